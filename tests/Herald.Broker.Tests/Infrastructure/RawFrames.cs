using System.Net.Sockets;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Tests.Infrastructure;

/// <summary>Builds request frames with Herald's own codecs and sends raw bytes to a broker.</summary>
public static class RawFrames
{
    public static byte[] Request(IRequestMessage request, short version, int correlationId = 1, string clientId = "raw-test")
    {
        using var writer = new KafkaWriter();
        int sizeAt = writer.Reserve(4);
        writer.WriteInt16(request.ApiKey);
        writer.WriteInt16(version);
        writer.WriteInt32(correlationId);
        writer.WriteString(clientId, compact: false);
        if (ApiMessages.RequestHeaderVersion(request.ApiKey, version) >= 2)
        {
            writer.WriteUVarint(0);
        }

        request.Write(writer, version);
        writer.PatchInt32(sizeAt, writer.Length - 4);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Sends <paramref name="bytes"/> on a new connection, optionally half-closes, and reads until the broker closes the
    /// connection or <paramref name="bound"/> passes.
    /// </summary>
    /// <returns>The bytes the broker answered with, and whether it closed the connection within the bound.</returns>
    public static async Task<RawReply> SendAsync(string bootstrap, byte[] bytes, TimeSpan bound, bool halfClose = true)
    {
        var colon = bootstrap.LastIndexOf(':');
        using var client = new TcpClient();
        await client.ConnectAsync(bootstrap[..colon], int.Parse(bootstrap[(colon + 1)..]));
        var stream = client.GetStream();
        var received = new MemoryStream();
        using var cts = new CancellationTokenSource(bound);
        try
        {
            await stream.WriteAsync(bytes, cts.Token);
            if (halfClose)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }

            var buffer = new byte[64 * 1024];
            while (true)
            {
                int n = await stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    return new RawReply(received.ToArray(), Closed: true);
                }

                received.Write(buffer, 0, n);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // A reset is a close too.
            return new RawReply(received.ToArray(), Closed: true);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return new RawReply(received.ToArray(), Closed: false);
        }
    }

    /// <summary>Sends one request frame and reads exactly one size-prefixed response (the frame body after the size).</summary>
    public static async Task<ReadOnlyMemory<byte>> RequestAsync(string bootstrap, byte[] frame)
    {
        var colon = bootstrap.LastIndexOf(':');
        using var client = new TcpClient();
        await client.ConnectAsync(bootstrap[..colon], int.Parse(bootstrap[(colon + 1)..]));
        var stream = client.GetStream();
        await stream.WriteAsync(frame);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var size = new byte[4];
        await stream.ReadExactlyAsync(size, cts.Token);
        var body = new byte[System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(body, cts.Token);
        return body;
    }
}
