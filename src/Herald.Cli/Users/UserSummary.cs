namespace Herald.Cli.Users;

/// <summary>One user as <c>herald users list</c> prints it: the mechanisms they can log in with, never a secret.</summary>
internal sealed record UserSummary(string User, IReadOnlyList<UserCredentialSummary> Credentials);

/// <summary>One SCRAM credential: its mechanism name and iteration count.</summary>
internal sealed record UserCredentialSummary(string Mechanism, int Iterations);
