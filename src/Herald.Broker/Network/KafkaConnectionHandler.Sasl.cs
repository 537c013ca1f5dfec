using System.Buffers.Binary;
using System.IO.Pipelines;
using Herald.Broker.Security;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Network;

/// <summary>The SASL side of a connection: handshake and authenticate requests, and v0's raw tokens.</summary>
public sealed partial class KafkaConnectionHandler
{
    private bool FrameSizeFits(SaslSession sasl, int frameSize) =>
        frameSize >= (sasl.ExpectsRawToken ? 0 : 8) && frameSize <= MaxFrameBytes(sasl);

    private int MaxFrameBytes(SaslSession sasl) => sasl.User is null ? SaslSession.MaxUnauthenticatedFrameBytes : _broker.Options.MaxRequestBytes;

    private string DescribeBadFrameSize(SaslSession sasl, int frameSize) => sasl.User is null
        ? $"frame of {frameSize} bytes before authentication is outside {(sasl.ExpectsRawToken ? 0 : 8)}..{SaslSession.MaxUnauthenticatedFrameBytes} (sasl.server.max.receive.size)"
        : $"frame of {frameSize} bytes is outside {(sasl.ExpectsRawToken ? 0 : 8)}..{_broker.Options.MaxRequestBytes} (socket.request.max.bytes)";

    /// <summary>Answers SaslHandshake or SaslAuthenticate; a refusal is sent, flushed, and then closes the connection.</summary>
    private async ValueTask<bool> ProcessSaslRequestAsync(SaslSession sasl, RequestContext context, IRequestMessage request, PipeWriter output)
    {
        var reply = request is SaslHandshakeRequest handshake
            ? sasl.Handshake(handshake, context.ApiVersion)
            : await sasl.AuthenticateAsync((SaslAuthenticateRequest)request, context.Cancellation).ConfigureAwait(false);
        Write(output, context.CorrelationId, context.ApiVersion, ApiMessages.ResponseHeaderVersion(context.ApiKey, context.ApiVersion), reply.Response);
        if (reply.Close)
        {
            await output.FlushAsync(_broker.Stopping).ConfigureAwait(false);
            var error = reply.Response switch
            {
                SaslHandshakeResponse r => (ErrorCode)r.ErrorCode,
                SaslAuthenticateResponse r => (ErrorCode)r.ErrorCode,
                _ => ErrorCode.UnknownServerError,
            };
            throw new AuthenticationFailedException($"{request.GetType().Name} answered with {error}");
        }

        return true;
    }

    /// <summary>After a v0 handshake: the frame is a bare token and the answer a bare size-prefixed token (Kafka writes one even when empty).</summary>
    private static async ValueTask<bool> ProcessRawTokenAsync(SaslSession sasl, ReadOnlyMemory<byte> token, PipeWriter output, CancellationToken cancellation)
    {
        var challenge = await sasl.AuthenticateRawAsync(token, cancellation).ConfigureAwait(false);
        var span = output.GetSpan(4 + challenge.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, challenge.Length);
        challenge.CopyTo(span[4..]);
        output.Advance(4 + challenge.Length);
        return true;
    }
}
