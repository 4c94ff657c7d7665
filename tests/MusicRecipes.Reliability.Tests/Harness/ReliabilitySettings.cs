using System.Globalization;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>
/// How long and with which seed the run goes. The CI default is a short run; <c>MUSIC_RELIABILITY_SECONDS</c> makes
/// it longer and <c>MUSIC_RELIABILITY_SEED</c> replays a seed (the nemesis schedule and the workloads' choices).
/// Ports are this suite's own (Cassandra native 39042 / storage 37000, ZooKeeper 42181-42183 / 42888+ / 43888+), so
/// it runs beside the other fixtures.
/// </summary>
internal sealed record ReliabilitySettings(TimeSpan Workload, int Seed)
{
    public const string SecondsVariable = "MUSIC_RELIABILITY_SECONDS";
    public const string SeedVariable = "MUSIC_RELIABILITY_SEED";
    public const int CassandraNativePort = 39042;
    public const int CassandraStoragePort = 37000;
    public const int ZooKeeperClientPort = 42181;
    public const int ZooKeeperQuorumPort = 42888;
    public const int ZooKeeperElectionPort = 43888;
    public const int Sites = 3;

    /// <summary>Short enough for CI (cluster start ~35 s + this + drain) on two shared cores.</summary>
    public static readonly TimeSpan ShortWorkload = TimeSpan.FromSeconds(30);

    public bool IsLong => Workload > ShortWorkload;

    /// <summary>How long the queue may take to drain after the faults stop.</summary>
    public TimeSpan DrainTimeout => IsLong ? TimeSpan.FromSeconds(120) : TimeSpan.FromSeconds(40);

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
        return new ReliabilitySettings(workload, seed);
    }
}
