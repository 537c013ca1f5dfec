namespace Herald.Broker.Security;

/// <summary>The server side of one SASL exchange for one mechanism; a new instance per login.</summary>
internal interface ISaslServer
{
    /// <summary>The mechanism name, e.g. <c>SCRAM-SHA-256</c>.</summary>
    string Mechanism { get; }

    /// <summary>The user the client claims to be, once a message has named one (for logs); null before.</summary>
    string? User { get; }

    /// <summary>Answers the client's next token.</summary>
    SaslStep Evaluate(ReadOnlySpan<byte> response);
}
