using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using Herald.Broker.Security;
using Herald.Protocol;
using Herald.Protocol.Messages;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Herald.Broker.Network;

/// <summary>
/// Serves one Kafka client connection over Kestrel's pipes: reads size-prefixed frames, dispatches them to
/// the <see cref="KafkaBroker"/> one at a time, and writes the responses in request order.
/// </summary>
/// <remarks>
/// Requests are handled strictly in order, as Kafka does (it mutes a connection while a request is in
/// flight); clients pipeline up to <c>max.in.flight</c> requests, which wait in the socket buffer.
/// A frame that breaks the protocol closes only this connection. With SASL on, each connection carries a
/// <see cref="SaslSession"/> (see <c>KafkaConnectionHandler.Sasl.cs</c>); with it off there is none, and the only cost
/// per request is a null check.
/// </remarks>
public sealed partial class KafkaConnectionHandler : ConnectionHandler
{
    private readonly KafkaBroker _broker;
    private readonly ILogger _logger;

    public KafkaConnectionHandler(KafkaBroker broker, ILogger<KafkaConnectionHandler> logger)
    {
        _broker = broker;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var clientHost = (connection.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "unknown";
        var sasl = _broker.Authenticator?.StartSession(clientHost);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, _broker.Stopping);
        var cancellation = linked.Token;
        byte[]? frame = null;
        int frameSize = 0;
        int filled = 0;
        _broker.Metrics.ConnectionOpened();
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellation).ConfigureAwait(false);
                var buffer = result.Buffer;
                bool wrote = false;
                while (true)
                {
                    if (frame is null)
                    {
                        if (buffer.Length < 4)
                        {
                            break;
                        }

                        frameSize = ReadFrameSize(buffer);
                        if (sasl is null ? frameSize < 8 || frameSize > _broker.Options.MaxRequestBytes : !FrameSizeFits(sasl, frameSize))
                        {
                            throw new KafkaProtocolException(sasl is null
                                ? $"frame of {frameSize} bytes is outside 8..{_broker.Options.MaxRequestBytes} (socket.request.max.bytes)"
                                : DescribeBadFrameSize(sasl, frameSize));
                        }

                        // Copy as bytes arrive instead of buffering a whole frame in the pipe: big produce
                        // requests would otherwise hit Kestrel's per-connection buffer limit.
                        frame = ArrayPool<byte>.Shared.Rent(frameSize);
                        filled = 0;
                        buffer = buffer.Slice(4);
                    }

                    int take = (int)Math.Min(frameSize - filled, buffer.Length);
                    buffer.Slice(0, take).CopyTo(frame.AsSpan(filled));
                    filled += take;
                    buffer = buffer.Slice(take);
                    if (filled < frameSize)
                    {
                        break;
                    }

                    try
                    {
                        wrote |= await ProcessFrameAsync(frame.AsMemory(0, frameSize), output, clientHost, sasl, cancellation).ConfigureAwait(false);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(frame);
                        frame = null;
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (wrote)
                {
                    // Not the connection-closed token: a client that half-closes after its last request
                    // still gets the answers to the requests it sent.
                    await output.FlushAsync(_broker.Stopping).ConfigureAwait(false);
                }

                if (result.IsCompleted)
                {
                    if (frame is not null)
                    {
                        _logger.LogDebug("Client {Host} disconnected in the middle of a {Size}-byte request", clientHost, frameSize);
                    }

                    break;
                }
            }
        }
        catch (AuthenticationFailedException ex)
        {
            // Already logged, with the user and the reason, where it failed.
            _logger.LogDebug("Closing connection from {Host}: {Reason}", clientHost, ex.Message);
        }
        catch (KafkaProtocolException ex)
        {
            _logger.LogWarning("Closing connection from {Host}: {Reason}", clientHost, ex.Message);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConnectionResetException or IOException or ConnectionAbortedException)
        {
            _logger.LogDebug("Connection from {Host} ended: {Reason}", clientHost, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Closing connection from {Host} after an unexpected error", clientHost);
        }
        finally
        {
            if (frame is not null)
            {
                ArrayPool<byte>.Shared.Return(frame);
            }

            await input.CompleteAsync().ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
            _broker.Metrics.ConnectionClosed();
        }
    }

    private static int ReadFrameSize(ReadOnlySequence<byte> buffer)
    {
        Span<byte> size = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(size);
        return BinaryPrimitives.ReadInt32BigEndian(size);
    }

    /// <summary>Handles one request frame; returns whether a response was written.</summary>
    private async ValueTask<bool> ProcessFrameAsync(ReadOnlyMemory<byte> frame, PipeWriter output, string clientHost, SaslSession? sasl, CancellationToken cancellation)
    {
        if (sasl is { ExpectsRawToken: true })
        {
            return await ProcessRawTokenAsync(sasl, frame, output, cancellation).ConfigureAwait(false);
        }

        var (context, request) = Decode(frame, clientHost, sasl, cancellation);
        if (request is null)
        {
            // ApiVersions in a version we do not know: answer in v0 with the versions we do know (KIP-511).
            Write(output, context.CorrelationId, 0, 0, KafkaBroker.ApiVersions(ErrorCode.UnsupportedVersion));
            return true;
        }

        if (sasl is not null && request is SaslHandshakeRequest or SaslAuthenticateRequest)
        {
            return await ProcessSaslRequestAsync(sasl, context, request, output).ConfigureAwait(false);
        }

        try
        {
            long started = Stopwatch.GetTimestamp();
            var response = await _broker.HandleAsync(context, request).ConfigureAwait(false);
            _broker.Metrics.RecordRequest(context.ApiKey, Stopwatch.GetTimestamp() - started);
            if (response is null)
            {
                return false;
            }

            Write(output, context.CorrelationId, context.ApiVersion, ApiMessages.ResponseHeaderVersion(context.ApiKey, context.ApiVersion), response);
            return true;
        }
        finally
        {
            context.ReleaseResources();
        }
    }

    private static (RequestContext Context, IRequestMessage? Request) Decode(ReadOnlyMemory<byte> frame, string clientHost, SaslSession? sasl, CancellationToken cancellation)
    {
        var reader = new KafkaReader(frame);
        short apiKey = reader.ReadInt16();
        short version = reader.ReadInt16();
        int correlationId = reader.ReadInt32();
        string clientId = reader.ReadString(compact: false, nullable: true) ?? string.Empty;
        if (sasl is not null && apiKey is not (SaslHandshakeRequest.ApiKey or SaslAuthenticateRequest.ApiKey) && !sasl.Permits(apiKey))
        {
            // Refused before the body is decoded: an unauthenticated client gets no parsing work done for it.
            throw new KafkaProtocolException(sasl.DescribeRefusal(apiKey));
        }

        var context = new RequestContext
        {
            ApiKey = apiKey,
            ApiVersion = version,
            CorrelationId = correlationId,
            ClientId = clientId,
            ClientHost = clientHost,
            Cancellation = cancellation,
            User = sasl?.User,
            IsSuperUser = sasl?.IsSuperUser == true,
        };

        if (!SupportedApis.IsSupported(apiKey, version))
        {
            if (apiKey == ApiVersionsRequest.ApiKey)
            {
                return (context, null);
            }

            throw new KafkaProtocolException(SupportedApis.IsKnown(apiKey)
                ? $"API key {apiKey} version {version} is not supported (see ApiVersions)"
                : $"unknown API key {apiKey}");
        }

        if (ApiMessages.RequestHeaderVersion(apiKey, version) >= 2)
        {
            int tagged = reader.ReadUVarint();
            for (int i = 0; i < tagged; i++)
            {
                reader.ReadUVarint();
                reader.Position = reader.CheckedEnd(reader.ReadUVarint());
            }
        }

        var request = ApiMessages.CreateRequest(apiKey)!;
        request.Read(ref reader, version);
        return (context, request);
    }

    private static void Write(PipeWriter output, int correlationId, short version, short headerVersion, IResponseMessage response)
    {
        using var writer = new KafkaWriter(1024);
        int sizeAt = writer.Reserve(4);
        writer.WriteInt32(correlationId);
        if (headerVersion >= 1)
        {
            writer.WriteUVarint(0);
        }

        response.Write(writer, version);
        writer.PatchInt32(sizeAt, writer.Length - 4);
        output.Write(writer.WrittenSpan);
    }
}
