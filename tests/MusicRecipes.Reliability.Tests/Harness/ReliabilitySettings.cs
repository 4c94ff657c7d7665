using System.Globalization;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>
/// How long and with which seed the run goes. The CI default is a short run; <c>MUSIC_RELIABILITY_SECONDS</c> makes
/// it longer and <c>MUSIC_RELIABILITY_SEED</c> replays a seed (the nemesis schedule and the workloads' choices).
/// Ports are this suite's own (Cassandra native 26042 / storage 26000-26002, ZooKeeper 24181-24183 / 24281+ /
/// 24381+), so it runs beside the other fixtures, and lie below Linux's ephemeral range: a server the nemesis kills
/// must find its ports free when it comes back, and a ZooKeeper server that becomes leader its quorum port (hole 8 of
/// issue 10: with 42181+ a restarted server once found its port taken by a client's connection and never served).
/// </summary>
internal sealed record ReliabilitySettings(TimeSpan Workload, int Seed)
{
    public const string SecondsVariable = "MUSIC_RELIABILITY_SECONDS";
    public const string SeedVariable = "MUSIC_RELIABILITY_SEED";
    public const string WorkersVariable = "MUSIC_RELIABILITY_WORKERS";
    public const int CassandraNativePort = 26042;
    public const int CassandraStoragePort = 26000;
    public const int ZooKeeperClientPort = 24181;
    public const int ZooKeeperQuorumPort = 24281;
    public const int ZooKeeperElectionPort = 24381;
    public const int Sites = 3;

    /// <summary>Every client's ZooKeeper session timeout; the nemesis pauses client processes for longer than this.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(4);

    /// <summary>Every port the servers listen on (Cassandra's storage port is followed by its SSL and Thrift ports).</summary>
    public static IEnumerable<int> ServerPorts =>
        new[] { CassandraNativePort, CassandraStoragePort, CassandraStoragePort + 1, CassandraStoragePort + 2 }
            .Concat(Enumerable.Range(0, 3).SelectMany(i => new[] { ZooKeeperClientPort + i, ZooKeeperQuorumPort + i, ZooKeeperElectionPort + i }));

    /// <summary>Short enough for CI (cluster start ~35 s + this + drain) on two shared cores.</summary>
    public static readonly TimeSpan ShortWorkload = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a repair may take before the nemesis reports the server as not coming back — a failure of the run.
    /// Generous on purpose: a repair that is merely slow (two busy cores, a port in TIME_WAIT) is not a failure.
    /// </summary>
    public static readonly TimeSpan RepairTimeout = TimeSpan.FromSeconds(150);

    public bool IsLong => Workload > ShortWorkload;

    /// <summary>Which kit runs the servers: processes (the default) or containers, whose nemesis also partitions servers.</summary>
    public ReliabilityBackend Backend { get; init; } = ReliabilityBackend.Processes;

    /// <summary>
    /// Worker processes per counter workload and site (<c>MUSIC_RELIABILITY_WORKERS</c>, default 1). More contend
    /// harder for the same three counters; on two cores 2 per workload (12 processes) did not raise the throughput.
    /// </summary>
    public int WorkersPerWorkload { get; init; } = 1;

    /// <summary>
    /// How much longer the nemesis's lanes rest between faults than in the short run: the short run keeps a fault of
    /// every lane under way nearly all the time; a long run rests 3 times as long, so the clients get work done
    /// between faults and it still injects several hundred faults in half an hour.
    /// </summary>
    public double FaultGapFactor => IsLong ? 3 : 1;

    /// <summary>
    /// How long the queue's drain after the faults may go without a claim before it gives up (the checker then reports
    /// what is left): a long run's backlog may take minutes to clear, but only a stuck queue makes no claims.
    /// </summary>
    public TimeSpan DrainTimeout => IsLong ? TimeSpan.FromSeconds(120) : TimeSpan.FromSeconds(40);

    /// <summary>
    /// How often each site's producer submits a work item: every ~0.4 s in the short run, ~0.3 s in a long one (which
    /// must record 100,000 operations in under an hour) — as long as the workers keep up: the producers wait while
    /// the backlog is full (<see cref="Workloads.QueueWorkload.MaxBacklog"/>).
    /// </summary>
    public TimeSpan ProducerPace => IsLong ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromMilliseconds(400);

    /// <summary>The longest a drain may take however it progresses.</summary>
    public static readonly TimeSpan MaxDrain = TimeSpan.FromMinutes(10);

    public static ReliabilitySettings FromEnvironment()
    {
        var seconds = Environment.GetEnvironmentVariable(SecondsVariable);
        var workload = int.TryParse(seconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : ShortWorkload;
        var seedText = Environment.GetEnvironmentVariable(SeedVariable);
        var seed = int.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : Random.Shared.Next();
        var settings = new ReliabilitySettings(workload, seed);
        var workersText = Environment.GetEnvironmentVariable(WorkersVariable);
        return settings with
        {
            WorkersPerWorkload = int.TryParse(workersText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var workers) && workers > 0
                ? workers
                : 1,
        };
    }
}
