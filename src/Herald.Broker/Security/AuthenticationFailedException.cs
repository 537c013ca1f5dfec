namespace Herald.Broker.Security;

/// <summary>A login failed and was logged; the connection closes once the failure's answer (if any) is sent.</summary>
internal sealed class AuthenticationFailedException(string message) : Exception(message);
