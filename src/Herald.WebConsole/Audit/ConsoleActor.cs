using Microsoft.AspNetCore.Http;

namespace Herald.WebConsole.Audit;

/// <summary>Who did something in the console, for the audit record's <c>who</c>.</summary>
internal static class ConsoleActor
{
    /// <summary>
    /// <c>console@{client address}</c>: the console has no sign-in yet, so the client's address is the best name it has;
    /// once the HTTP listener authenticates, this becomes the signed-in user.
    /// </summary>
    public static string Of(HttpContext? context)
    {
        var address = context?.Connection.RemoteIpAddress;
        if (address is { IsIPv4MappedToIPv6: true })
        {
            address = address.MapToIPv4();
        }

        return "console@" + (address?.ToString() ?? "unknown");
    }
}
