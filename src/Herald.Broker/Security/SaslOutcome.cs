namespace Herald.Broker.Security;

/// <summary>The state of a SASL exchange after a step.</summary>
internal enum SaslOutcome
{
    Continue,
    Succeeded,
    Failed,
}
