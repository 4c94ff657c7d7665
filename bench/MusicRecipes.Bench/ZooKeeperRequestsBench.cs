using System.Runtime.CompilerServices;

namespace MusicRecipes.Bench;

/// <summary>
/// ZooKeeper requests per uncontended critical section, counted on the real servers: one client runs sections one
/// after another on its own key, and the servers' packet counters are read before and after. Each request is one
/// sequential round trip here (single-key sections issue nothing in parallel). Cassandra adds 2k requests (a
/// criticalGet and a criticalPut per read-modify-write) for MUSIC.
/// </summary>
internal static class ZooKeeperRequestsBench
{
    /// <summary>Counts on the servers at <paramref name="ports"/> (the client ports of every ZooKeeper server).</summary>
    public static async Task<List<RequestCount>> RunAsync(IReadOnlyList<int> ports, BenchNetwork network, BenchSettings settings, CancellationToken cancellationToken)
    {
        var sections = settings.Quick ? 3 : 20;
        var results = new List<RequestCount>();
        await using var music = MusicVariant.Create(network, 1, "/bench/requests/music");
        await using var zooKeeper = await ZooKeeperOnlyVariant.CreateAsync(network, 1, "/bench/requests/zk", cancellationToken).ConfigureAwait(false);
        foreach (var variant in new ISectionVariant[] { music, zooKeeper })
        {
            foreach (var k in new[] { 0, 1, 5 })
            {
                var key = $"requests-k{k}";
                await variant.PrepareKeyAsync(key, cancellationToken).ConfigureAwait(false);
                var done = new StrongBox<long>();
                await variant.RunSectionAsync(0, key, k, done, cancellationToken).ConfigureAwait(false); // creates the key's nodes once

                var before = await ZooKeeperPacketCounter.TotalReceivedAsync(ports, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < sections; i++)
                {
                    await variant.RunSectionAsync(0, key, k, done, cancellationToken).ConfigureAwait(false);
                }

                var after = await ZooKeeperPacketCounter.TotalReceivedAsync(ports, cancellationToken).ConfigureAwait(false);

                // Reading the counters may itself count as packets: measure that by reading twice in a row and take it
                // off. A session pings every third of its timeout (about 3 s); over a burst this short that is at most
                // a packet or two, which the division by the section count makes small.
                var overhead = await ZooKeeperPacketCounter.TotalReceivedAsync(ports, cancellationToken).ConfigureAwait(false) - after;
                var perSection = (double)(after - before - overhead) / sections;
                Console.WriteLine($"  {variant.Name,-10} k={k}: {perSection,5:F1} ZooKeeper requests per section");
                results.Add(new RequestCount(variant.Name, k, perSection));
            }
        }

        return results;
    }
}
