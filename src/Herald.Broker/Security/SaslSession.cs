using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Security;

/// <summary>
/// One connection's SASL state, after Kafka's <c>SaslServerAuthenticator</c>: ApiVersions and SaslHandshake are allowed
/// first; a v1 handshake is followed by SaslAuthenticate requests, a v0 handshake by raw, unframed tokens; once
/// authenticated, every API is allowed until the session expires (KIP-368), and a new handshake re-authenticates.
/// </summary>
/// <remarks>Requests on a connection are handled one at a time, so the state needs no lock.</remarks>
internal sealed class SaslSession
{
    /// <summary>The largest frame accepted before authentication (Kafka's <c>sasl.server.max.receive.size</c>).</summary>
    public const int MaxUnauthenticatedFrameBytes = 524_288;

    private readonly SaslAuthenticator _authenticator;
    private readonly string _clientHost;
    private State _state;
    private ISaslServer? _server;
    private string? _mechanism;
    private long _authenticatedAt;

    internal SaslSession(SaslAuthenticator authenticator, string clientHost)
    {
        _authenticator = authenticator;
        _clientHost = clientHost;
    }

    private enum State
    {
        AwaitingHandshake,
        AwaitingAuthenticate,
        AwaitingRawToken,
        Authenticated,
    }

    /// <summary>The authenticated user; null until the first login succeeds.</summary>
    public string? User { get; private set; }

    /// <summary>Whether <see cref="User"/> was a super user when they logged in.</summary>
    public bool IsSuperUser { get; private set; }

    /// <summary>After a v0 handshake the next frame is a bare SASL token, with no request header.</summary>
    public bool ExpectsRawToken => _state == State.AwaitingRawToken;

    /// <summary>Whether a request with <paramref name="apiKey"/> (not a SASL request) may be served now.</summary>
    public bool Permits(short apiKey) => apiKey == ApiVersionsRequest.ApiKey || (_state == State.Authenticated && !Expired);

    private bool Expired => _authenticator.SessionLifetime > TimeSpan.Zero
        && _authenticator.Time.GetElapsedTime(_authenticatedAt) >= _authenticator.SessionLifetime;

    /// <summary>Why a request with <paramref name="apiKey"/> closes the connection.</summary>
    public string DescribeRefusal(short apiKey) => _state == State.Authenticated
        ? $"API key {apiKey} after the SASL session of user '{Printable(User)}' expired (the client did not re-authenticate, KIP-368)"
        : $"API key {apiKey} before SASL authentication finished (only ApiVersions, SaslHandshake and SaslAuthenticate are allowed)";

    /// <summary>Answers SaslHandshake: picks the mechanism, or refuses it with the enabled list and closes.</summary>
    public SaslReply Handshake(SaslHandshakeRequest request, short version)
    {
        if (_state is State.AwaitingAuthenticate or State.AwaitingRawToken)
        {
            return new SaslReply(HandshakeResponse(ErrorCode.IllegalSaslState), Close: true);
        }

        _server = _authenticator.CreateServer(request.Mechanism);
        if (_server is null)
        {
            return new SaslReply(HandshakeResponse(ErrorCode.UnsupportedSaslMechanism), Close: true);
        }

        // On an authenticated connection this begins a re-authentication (KIP-368); until it ends only SASL requests
        // are served, as in Kafka.
        _state = version == 0 ? State.AwaitingRawToken : State.AwaitingAuthenticate;
        return new SaslReply(HandshakeResponse(ErrorCode.None), Close: false);
    }

    /// <summary>Answers SaslAuthenticate with the mechanism's next token, or with SASL_AUTHENTICATION_FAILED and a close.</summary>
    public async ValueTask<SaslReply> AuthenticateAsync(SaslAuthenticateRequest request, CancellationToken cancellationToken)
    {
        if (_state != State.AwaitingAuthenticate)
        {
            return new SaslReply(
                new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.IllegalSaslState, ErrorMessage = "SaslAuthenticate is only expected after a SaslHandshake v1" },
                Close: true);
        }

        var step = Complete(_server!.Evaluate(request.AuthBytes));
        if (step.Outcome == SaslOutcome.Failed)
        {
            await FailAsync(step.FailureReason!, cancellationToken).ConfigureAwait(false);
            return new SaslReply(
                new SaslAuthenticateResponse
                {
                    ErrorCode = (short)ErrorCode.SaslAuthenticationFailed,
                    // Kafka's wording: it says nothing about whether the user exists or what was wrong.
                    ErrorMessage = $"Authentication failed during authentication due to invalid credentials with SASL mechanism {_server.Mechanism}",
                },
                Close: true);
        }

        return new SaslReply(
            new SaslAuthenticateResponse
            {
                AuthBytes = step.Challenge,
                SessionLifetimeMs = step.Outcome == SaslOutcome.Succeeded ? (long)_authenticator.SessionLifetime.TotalMilliseconds : 0,
            },
            Close: false);
    }

    /// <summary>
    /// Handles a raw token after a v0 handshake and returns the raw token to send back; a failure cannot be reported in
    /// this framing, so it throws <see cref="AuthenticationFailedException"/> and the connection closes.
    /// </summary>
    public async ValueTask<byte[]> AuthenticateRawAsync(ReadOnlyMemory<byte> token, CancellationToken cancellationToken)
    {
        var step = Complete(_server!.Evaluate(token.Span));
        if (step.Outcome == SaslOutcome.Failed)
        {
            await FailAsync(step.FailureReason!, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException($"SASL {_server.Mechanism} authentication failed");
        }

        return step.Challenge;
    }

    private SaslHandshakeResponse HandshakeResponse(ErrorCode error) =>
        new() { ErrorCode = (short)error, Mechanisms = _authenticator.Mechanisms };

    /// <summary>Turns a successful last step into a session; refuses a re-authentication that changes the user or mechanism.</summary>
    private SaslStep Complete(SaslStep step)
    {
        if (step.Outcome != SaslOutcome.Succeeded)
        {
            return step;
        }

        var server = _server!;
        bool reauthenticating = User is not null;
        if (reauthenticating && (server.User != User || server.Mechanism != _mechanism))
        {
            // Kafka: "Cannot change principals during re-authentication" and REAUTH_BAD_MECHANISM.
            return SaslStep.Failed("re-authentication changed the user or the mechanism");
        }

        User = server.User;
        IsSuperUser = _authenticator.Credentials.Find(User!)?.IsSuperUser == true;
        _mechanism = server.Mechanism;
        _authenticatedAt = _authenticator.Time.GetTimestamp();
        _state = State.Authenticated;
        if (reauthenticating)
        {
            SecurityLog.Reauthenticated(_authenticator.Logger, Printable(User), _clientHost, server.Mechanism);
        }
        else
        {
            SecurityLog.LoggedIn(_authenticator.Logger, Printable(User), _clientHost, server.Mechanism);
        }

        return step;
    }

    private async Task FailAsync(string reason, CancellationToken cancellationToken)
    {
        var delay = _authenticator.Throttle.RecordFailure(_clientHost);
        SecurityLog.LoginFailed(_authenticator.Logger, _server!.Mechanism, Printable(_server.User), _clientHost, reason, (long)delay.TotalMilliseconds);
        await Task.Delay(delay, _authenticator.Time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A client-chosen name made safe for one log line.</summary>
    private static string Printable(string? name) =>
        name is null ? "(none)" : string.Concat(name.Take(128).Select(c => char.IsControl(c) ? '?' : c));
}
