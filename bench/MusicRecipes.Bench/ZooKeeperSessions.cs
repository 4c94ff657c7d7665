using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Bench;

/// <summary>The ZooKeeper client settings every bench session uses.</summary>
internal static class ZooKeeperSessions
{
    // 10 s: long enough that a 2-core machine busy with three JVMs never expires a session mid-run.
    public static ZooKeeperClientOptions Options(string connectionString) => new()
    {
        ConnectionString = connectionString,
        SessionTimeout = TimeSpan.FromSeconds(10),
        ConnectionTimeout = TimeSpan.FromSeconds(20),
    };
}
