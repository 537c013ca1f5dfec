using System.Net;
using System.Net.Sockets;
using Herald.Testing;

namespace Herald.Cli.Tests;

/// <summary>The fixture the unreachable-server tests rely on: a port that refuses connections and stays ours.</summary>
public sealed class ClosedPortTests
{
    [Fact]
    public async Task A_closed_port_refuses_connections_and_no_one_else_can_listen_on_it()
    {
        using var closed = new ClosedPort();

        using var client = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, closed.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        // What a released port would allow: another process's server taking it before the test connects.
        var other = new TcpListener(IPAddress.Loopback, closed.Port);
        var taken = Assert.Throws<SocketException>(() => other.Start());
        Assert.Equal(SocketError.AddressAlreadyInUse, taken.SocketErrorCode);
    }
}
