namespace Herald.Broker.Security;

/// <summary>What a SASL mechanism made of one client token.</summary>
/// <param name="Outcome">Whether the exchange goes on, succeeded or failed.</param>
/// <param name="Challenge">The token to send back (may be empty; unused on failure).</param>
/// <param name="FailureReason">Why it failed, for the server log only: never sent to the client, never contains a password.</param>
internal readonly record struct SaslStep(SaslOutcome Outcome, byte[] Challenge, string? FailureReason = null)
{
    public static SaslStep Continue(byte[] challenge) => new(SaslOutcome.Continue, challenge);

    public static SaslStep Succeeded(byte[] challenge) => new(SaslOutcome.Succeeded, challenge);

    public static SaslStep Failed(string reason) => new(SaslOutcome.Failed, [], reason);
}
