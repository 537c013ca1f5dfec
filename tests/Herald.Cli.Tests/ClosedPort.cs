using System.Net;
using System.Net.Sockets;

namespace Herald.Cli.Tests;

internal static class ClosedPort
{
    /// <summary>A loopback port nothing listens on: bound by the OS, then released.</summary>
    public static int Reserve()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
