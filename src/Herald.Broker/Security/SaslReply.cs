using Herald.Protocol;

namespace Herald.Broker.Security;

/// <summary>The answer to a SASL request, and whether the connection closes once it is sent.</summary>
internal readonly record struct SaslReply(IResponseMessage Response, bool Close);
