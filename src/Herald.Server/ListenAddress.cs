using System.Net;
using System.Net.Sockets;

namespace Herald.Server;

/// <summary>Parses <c>HOST:PORT</c> listener settings.</summary>
public static class ListenAddress
{
    /// <summary>Parses <paramref name="value"/> (<c>127.0.0.1:9092</c>, <c>[::1]:9092</c>, <c>localhost:9092</c>, <c>0.0.0.0:9092</c>).</summary>
    /// <exception cref="FormatException">The value is not HOST:PORT with a port from 0 to 65535.</exception>
    public static IPEndPoint Parse(string value, string settingName)
    {
        if (IPEndPoint.TryParse(value, out var endPoint) && value.Contains(':', StringComparison.Ordinal) && endPoint.Port is >= 0 and <= 65535
            && (endPoint.AddressFamily != AddressFamily.InterNetworkV6 || value.StartsWith('[')))
        {
            return endPoint;
        }

        int colon = value.LastIndexOf(':');
        if (colon > 0 && int.TryParse(value.AsSpan(colon + 1), out int port) && port is >= 0 and <= 65535)
        {
            var host = value[..colon];
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                return new IPEndPoint(IPAddress.Loopback, port);
            }

            var addresses = Dns.GetHostAddresses(host);
            var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (address is not null)
            {
                return new IPEndPoint(address, port);
            }
        }

        throw new FormatException($"{settingName} '{value}' is not HOST:PORT (for example 127.0.0.1:9092)");
    }
}
