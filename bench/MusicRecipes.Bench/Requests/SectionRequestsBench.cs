using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using MusicRecipes.Cql;

namespace MusicRecipes.Bench;

/// <summary>
/// Requests per uncontended critical section on each lock store, counted on the servers: one client at site 0 runs
/// sections one after another on its own key, while the ZooKeeper servers' packet counters (<see cref="ZooKeeperPacketCounter"/>)
/// with their newest zxid (the writes) and the CQL frames arriving at site 0's Cassandra node (<see cref="CqlRequestCounter"/>) are read before and after.
/// </summary>
internal static class SectionRequestsBench
{
    /// <param name="zooKeeperPorts">The client ports of every ZooKeeper server.</param>
    /// <param name="node">Site 0's Cassandra node (its CQL endpoint).</param>
    /// <param name="sessionOptions">Options of a session to that node alone; its contact point and port are replaced by the counter's.</param>
    /// <param name="network">Where the clients are.</param>
    /// <param name="settings">The run's settings (quick: fewer sections).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<List<RequestCount>> RunAsync(
        IReadOnlyList<int> zooKeeperPorts, IPEndPoint node, CqlSessionOptions sessionOptions, BenchNetwork network, BenchSettings settings, CancellationToken cancellationToken)
    {
        await using var counter = new CqlRequestCounter(node);
        sessionOptions.ContactPoints.Clear();
        sessionOptions.ContactPoints.Add(IPAddress.Loopback.ToString());
        sessionOptions.Port = counter.Port;
        sessionOptions.DiscoverPeers = false; // every statement through the counter
        await using var session = await CqlSession.ConnectAsync(sessionOptions, cancellationToken).ConfigureAwait(false);
        var counted = network.WithSession(0, session);
        await using var music = MusicVariant.Create(counted, 1, "/bench/requests/music");
        await using var musicOnCassandra = MusicVariant.OnCassandraLocks(counted, 1);
        await using var zooKeeper = await ZooKeeperOnlyVariant.CreateAsync(counted, 1, "/bench/requests/zk", cancellationToken).ConfigureAwait(false);
        await using var lwt = await LwtOnlyVariant.CreateAsync(counted, cancellationToken).ConfigureAwait(false);

        var sections = settings.Quick ? 3 : 20;
        var results = new List<RequestCount>();
        foreach (var variant in new ISectionVariant[] { music, musicOnCassandra, zooKeeper, lwt })
        {
            foreach (var k in new[] { 0, 1, 5 })
            {
                var key = $"{network.Name}-requests-{variant.Name.Replace(' ', '-').Replace('/', '-')}-k{k}";
                await variant.PrepareKeyAsync(key, cancellationToken).ConfigureAwait(false);
                var done = new StrongBox<long>();
                await variant.RunSectionAsync(0, key, k, done, cancellationToken).ConfigureAwait(false); // creates the key's nodes and rows once

                var zooKeeperBefore = await ZooKeeperPacketCounter.TotalReceivedAsync(zooKeeperPorts, cancellationToken).ConfigureAwait(false);
                var zxidBefore = await ZooKeeperPacketCounter.NewestZxidAsync(zooKeeperPorts, cancellationToken).ConfigureAwait(false);
                var cqlBefore = counter.Requests;
                var times = new LatencyRecorder();
                for (var i = 0; i < sections; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await variant.RunSectionAsync(0, key, k, done, cancellationToken).ConfigureAwait(false);
                    times.Add(Stopwatch.GetElapsedTime(started));
                }

                var cql = counter.Requests - cqlBefore;
                var zooKeeperAfter = await ZooKeeperPacketCounter.TotalReceivedAsync(zooKeeperPorts, cancellationToken).ConfigureAwait(false);
                var writes = await ZooKeeperPacketCounter.NewestZxidAsync(zooKeeperPorts, cancellationToken).ConfigureAwait(false) - zxidBefore;

                // Reading the counters may itself count as packets: measure that by reading twice in a row and take it
                // off. A session pings every few seconds; over a burst this short that is at most a packet or two,
                // which the division by the section count makes small.
                var overhead = await ZooKeeperPacketCounter.TotalReceivedAsync(zooKeeperPorts, cancellationToken).ConfigureAwait(false) - zooKeeperAfter;
                var result = new RequestCount(
                    variant.Name, k, (double)(zooKeeperAfter - zooKeeperBefore - overhead) / sections, (double)writes / sections, (double)cql / sections, times.Percentile(50));
                Console.WriteLine($"  requests {variant.Name,-22} k={k}: {result.ZooKeeperPerSection,5:F1} ZooKeeper ({result.ZooKeeperWritesPerSection:F1} writes), {result.CqlPerSection,5:F1} CQL per section; p50 {result.P50Ms,7:F1} ms alone");
                results.Add(result);
            }
        }

        return results;
    }
}
