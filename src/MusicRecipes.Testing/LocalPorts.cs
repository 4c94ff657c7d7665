using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MusicRecipes.Testing;

/// <summary>
/// Facts about the machine's TCP ports that decide whether a test server can listen where it is told to.
/// </summary>
/// <remarks>
/// Linux hands every outgoing connection a local port from the ephemeral range (32768-60999 unless
/// <c>/proc/sys/net/ipv4/ip_local_port_range</c> says otherwise), and keeps it for 60 s in TIME_WAIT after the
/// connection closes. A server port inside that range is therefore free only by luck whenever its server is down:
/// a killed server that comes back, or a ZooKeeper server that becomes leader and opens its quorum port, may find the
/// port taken by some client's connection, fail to bind, and never serve. Fixtures that kill and restart servers must
/// pick ports below the range.
/// </remarks>
/// <example>
/// <code>
/// Assert.False(LocalPorts.IsEphemeral(24181)); // a port no outgoing connection can take
/// </code>
/// </example>
public static class LocalPorts
{
    private const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";

    /// <summary>The range outgoing connections take their local ports from (Linux's default when it cannot be read).</summary>
    public static (int First, int Last) EphemeralRange { get; } = ReadRange();

    /// <summary>True when <paramref name="port"/> lies in <see cref="EphemeralRange"/>, so an outgoing connection may hold it.</summary>
    public static bool IsEphemeral(int port) => port >= EphemeralRange.First && port <= EphemeralRange.Last;

    /// <summary>
    /// True when a server could listen on 127.0.0.1:<paramref name="port"/> now, with SO_REUSEADDR as Java servers
    /// do (TIME_WAIT left by the server's own accepted connections does not count; anything else on the port does).
    /// </summary>
    internal static bool CanListen(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // .NET sets SO_REUSEADDR on bind on Linux, as Java's server sockets do.
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            probe.Listen(1);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }

    /// <summary>The sockets that use <paramref name="port"/> as their local port, e.g. "ESTABLISHED to 127.0.0.1:42182", for error messages.</summary>
    internal static string DescribeUsers(int port)
    {
        var users = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(table);
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var line in lines.Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && PortOf(fields[1]) == port)
                {
                    users.Add($"{StateName(fields[3])} to port {PortOf(fields[2])}");
                }
            }
        }

        return users.Count == 0 ? "no socket on it now" : string.Join(", ", users.Distinct(StringComparer.Ordinal));
    }

    /// <summary>Why a port in the ephemeral range is a hazard, for error messages.</summary>
    internal static string Hint(IEnumerable<int> ports)
    {
        var ephemeral = ports.Where(IsEphemeral).ToList();
        return ephemeral.Count == 0
            ? string.Empty
            : new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $" Port(s) {string.Join(", ", ephemeral)} lie in the ephemeral range {EphemeralRange.First}-{EphemeralRange.Last}")
                .Append(" (any outgoing connection may take them while the server is down); pick ports below it.")
                .ToString();
    }

    private static int PortOf(string hexEndpoint) =>
        int.Parse(hexEndpoint[(hexEndpoint.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string StateName(string hex) => hex switch
    {
        "01" => "ESTABLISHED",
        "02" => "SYN_SENT",
        "06" => "TIME_WAIT",
        "08" => "CLOSE_WAIT",
        "0A" => "LISTEN",
        _ => "state " + hex,
    };

    private static (int, int) ReadRange()
    {
        try
        {
            var parts = File.ReadAllText(RangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32768, 60999);
        }
    }
}
