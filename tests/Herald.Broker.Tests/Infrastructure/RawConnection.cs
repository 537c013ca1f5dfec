using System.Buffers.Binary;
using System.Net.Sockets;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Tests.Infrastructure;

/// <summary>One open TCP connection to a broker for request-by-request conversations, SASL's raw v0 tokens included.</summary>
public sealed class RawConnection : IAsyncDisposable
{
    /// <summary>Bounds every read: a working broker answers in milliseconds; this only turns a hang into a failure.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private int _correlationId;

    private RawConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawConnection> OpenAsync(string bootstrap)
    {
        var colon = bootstrap.LastIndexOf(':');
        var client = new TcpClient();
        await client.ConnectAsync(bootstrap[..colon], int.Parse(bootstrap[(colon + 1)..]));
        return new RawConnection(client);
    }

    /// <summary>Sends <paramref name="request"/> in <paramref name="version"/> and decodes the answer; null when the broker closed instead.</summary>
    public async Task<TResponse?> SendAsync<TResponse>(IRequestMessage request, short version)
        where TResponse : class, IResponseMessage, new()
    {
        int correlationId = ++_correlationId;
        await _stream.WriteAsync(RawFrames.Request(request, version, correlationId));
        var body = await ReadFrameAsync();
        if (body is null)
        {
            return null;
        }

        var reader = new KafkaReader(body);
        Assert.Equal(correlationId, reader.ReadInt32());
        if (ApiMessages.ResponseHeaderVersion(request.ApiKey, version) >= 1)
        {
            Assert.Equal(0, reader.ReadUVarint());
        }

        var response = new TResponse();
        response.Read(ref reader, version);
        return response;
    }

    /// <summary>Sends a bare size-prefixed token (after a v0 SaslHandshake) and returns the bare token answered; null when the broker closed.</summary>
    public async Task<byte[]?> SendRawTokenAsync(byte[] token)
    {
        var frame = new byte[4 + token.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, token.Length);
        token.CopyTo(frame, 4);
        await _stream.WriteAsync(frame);
        return await ReadFrameAsync();
    }

    /// <summary>Whether the broker has closed the connection (reads until end of stream, within the bound).</summary>
    public async Task<bool> IsClosedByBrokerAsync()
    {
        using var cts = new CancellationTokenSource(Bound);
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(buffer, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<byte[]?> ReadFrameAsync()
    {
        using var cts = new CancellationTokenSource(Bound);
        try
        {
            var size = new byte[4];
            await _stream.ReadExactlyAsync(size, cts.Token);
            var body = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
            await _stream.ReadExactlyAsync(body, cts.Token);
            return body;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or SocketException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
