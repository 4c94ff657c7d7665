using System.Globalization;
using System.Text.RegularExpressions;

namespace MusicRecipes.Testing;

/// <summary>
/// Tells, for an error message, that a ZooKeeper server could not bind one of its ports and who holds the port now.
/// A server that cannot bind its client port exits (code 1), its election port exits after three tries (code 14),
/// and an elected leader that cannot bind its quorum port gives up leading, so the ensemble elects it again and again
/// and never serves.
/// </summary>
internal static partial class ZooKeeperBindFailures
{
    /// <summary>" (could not bind …; port P: ESTABLISHED to port Q)", or empty when the log since its start names no bind failure.</summary>
    public static string Describe(ZooKeeperServerProcess server)
    {
        var failures = server.BindFailures();
        if (failures.Count == 0)
        {
            return string.Empty;
        }

        var ports = failures
            .SelectMany(l => Ports().Matches(l).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)))
            .Where(server.Ports.Contains)
            .Distinct()
            .Select(p => $"port {p} now: {LocalPorts.DescribeUsers(p)}");
        return $" (could not bind a port: {string.Join(" | ", failures.Select(l => l.Trim()))}; {string.Join("; ", ports)}.{LocalPorts.Hint(server.Ports)})";
    }

    [GeneratedRegex(@":(\d{2,5})\b")]
    private static partial Regex Ports();
}
