using System.Globalization;

namespace MusicRecipes.Bench;

/// <summary>Prints request counts per uncontended section as a Markdown table.</summary>
internal static class RequestCountTable
{
    public static void Print(IReadOnlyList<RequestCount> counts)
    {
        Console.WriteLine();
        Console.WriteLine("### Requests per uncontended section of k read-modify-writes, counted on the servers (ZooKeeper: srvr Received over all servers, writes by the zxid; CQL: statements arriving at the client's coordinator)");
        Console.WriteLine();
        Console.WriteLine("| variant | k | ZooKeeper requests | of them writes | CQL statements | p50 ms, alone |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var c in counts)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {c.Variant} | {c.K} | {c.ZooKeeperPerSection:F1} | {c.ZooKeeperWritesPerSection:F1} | {c.CqlPerSection:F1} | {c.P50Ms:F1} |"));
        }
    }
}
