using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Herald.Testing;

/// <summary>
/// A loopback port nothing listens on, for tests of unreachable servers: bound by this process (without
/// <c>SO_REUSEADDR</c>) and never listening, so a connection is refused at once and no other socket can bind the
/// port while the test runs. Dispose it when the test ends.
/// </summary>
/// <remarks>A port that is bound, read and released again can be taken by anything before the test connects.</remarks>
public sealed class ClosedPort : IDisposable
{
    // Linux values of SOL_SOCKET and SO_REUSEADDR.
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    private readonly Socket _socket;

    public ClosedPort()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        // .NET turns SO_REUSEADDR on when it binds on Unix; left on, another SO_REUSEADDR socket (every server sets it)
        // may bind and listen on a port whose holder is not listening. Off after the bind, that bind fails.
        _socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string EndPoint => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _socket.Dispose();
}
