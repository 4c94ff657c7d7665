using System.Diagnostics;
using MusicRecipes.Cql;
using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Bench;

/// <summary>
/// Checks the emulation before its figures are trusted: times single operations whose cost in round trips between
/// sites is known — a ZooKeeper write from a follower's site 2 (forward to the leader, proposal and acknowledgement
/// of a quorum, commit back), from the leader's site 1, a ZooKeeper read 0 (served by the local server), a Cassandra
/// QUORUM write 1 (the local replica and one remote), LOCAL_ONE 0, and a lightweight transaction 4 (Paxos prepare,
/// read, propose, commit, each from the local coordinator to a quorum) — and compares the medians with that many
/// round trips of the configured delay.
/// </summary>
internal static class EmulationCheck
{
    public const string Table = MusicStores.Keyspace + ".emulation_check";

    /// <summary>Creates the check's table (once, alone, after the keyspace exists).</summary>
    public static async Task CreateSchemaAsync(BenchNetwork network, CancellationToken cancellationToken)
    {
        var session = network.Sites[0].Session;
        await session.ExecuteAsync(new CqlQuery($"CREATE TABLE IF NOT EXISTS {Table} (key text PRIMARY KEY, value bigint)") { IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
        await session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<List<EmulationCheckRow>> RunAsync(MultiSiteServers servers, BenchNetwork network, int samples, CancellationToken cancellationToken)
    {
        var roundTripMs = 2 * network.OneWay.TotalMilliseconds;
        var leader = await servers.ZooKeeper.LeaderIndexAsync(cancellationToken).ConfigureAwait(false);
        var follower = Enumerable.Range(0, servers.SiteCount).First(s => s != leader);
        var rows = new List<EmulationCheckRow>();
        void Add(string operation, int roundTrips, double p50)
        {
            var expected = roundTrips * roundTripMs;
            var pass = roundTrips == 0 ? p50 <= 0.2 * roundTripMs : Math.Abs(p50 - expected) <= 0.2 * expected;
            rows.Add(new EmulationCheckRow(operation, roundTrips, expected, p50, pass));
            Console.WriteLine($"  check {operation,-46} expected {roundTrips} RTT = {expected,6:F1} ms  p50 {p50,7:F1} ms  {(pass ? "pass" : "FAIL")}");
        }

        Add("one link's round trip (echo through a delaying proxy)", 1, await LinkProbe.MedianRoundTripAsync(network.OneWay, samples, cancellationToken).ConfigureAwait(false));
        await using (var zooKeeper = await ZooKeeperClient.ConnectAsync(ZooKeeperSessions.Options(network.Sites[follower].ZooKeeperConnectionString), cancellationToken).ConfigureAwait(false))
        await using (var atLeader = await ZooKeeperClient.ConnectAsync(ZooKeeperSessions.Options(network.Sites[leader].ZooKeeperConnectionString), cancellationToken).ConfigureAwait(false))
        {
            const string node = "/bench-emulation-check";
            await zooKeeper.EnsurePathAsync(node, cancellationToken).ConfigureAwait(false);
            Add($"ZooKeeper setData from a follower's site ({follower})", 2, await MedianAsync(samples, () => zooKeeper.SetDataAsync(node, new byte[8], -1, cancellationToken)).ConfigureAwait(false));
            Add($"ZooKeeper setData from the leader's site ({leader})", 1, await MedianAsync(samples, () => atLeader.SetDataAsync(node, new byte[8], -1, cancellationToken)).ConfigureAwait(false));
            Add($"ZooKeeper getData, local server (site {follower})", 0, await MedianAsync(samples, () => zooKeeper.GetDataAsync(node, null, cancellationToken)).ConfigureAwait(false));
        }

        var session = network.Sites[follower].Session;
        var write = await session.PrepareAsync($"UPDATE {Table} SET value = ? WHERE key = ?", cancellationToken).ConfigureAwait(false);
        var swap = await session.PrepareAsync($"UPDATE {Table} SET value = ? WHERE key = ? IF value = ?", cancellationToken).ConfigureAwait(false);
        Add($"Cassandra QUORUM write (site {follower})", 1, await MedianAsync(samples, () => session.ExecuteAsync(new CqlBoundStatement(write, 1L, "quorum") { Consistency = CqlConsistency.Quorum }, cancellationToken)).ConfigureAwait(false));
        Add($"Cassandra LOCAL_ONE write (site {follower})", 0, await MedianAsync(samples, () => session.ExecuteAsync(new CqlBoundStatement(write, 1L, "local") { Consistency = CqlConsistency.LocalOne }, cancellationToken)).ConfigureAwait(false));

        // Each LWT moves the value on by one, so every one is applied (a Paxos round that also commits).
        await session.ExecuteAsync(new CqlBoundStatement(write, 0L, "lwt") { Consistency = CqlConsistency.Quorum }, cancellationToken).ConfigureAwait(false);
        var value = 0L;
        Add($"Cassandra LWT, applied (site {follower})", 4, await MedianAsync(samples, async () =>
        {
            var result = await session.ExecuteAsync(new CqlBoundStatement(swap, value + 1, "lwt", value) { Consistency = CqlConsistency.Quorum, SerialConsistency = CqlConsistency.Serial }, cancellationToken).ConfigureAwait(false);
            if (!result.WasApplied)
            {
                throw new InvalidOperationException("The check's LWT was not applied: someone else wrote its row.");
            }

            value++;
        }).ConfigureAwait(false));
        return rows;
    }

    /// <summary>Runs the operation once unmeasured (connections, prepared statements), then <paramref name="samples"/> times one after another.</summary>
    private static async Task<double> MedianAsync(int samples, Func<Task> operation)
    {
        await operation().ConfigureAwait(false);
        var recorder = new LatencyRecorder();
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await operation().ConfigureAwait(false);
            recorder.Add(Stopwatch.GetElapsedTime(started));
        }

        return recorder.Percentile(50);
    }
}
