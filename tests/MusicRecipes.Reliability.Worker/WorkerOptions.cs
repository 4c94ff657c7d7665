using System.Text.Json;

namespace MusicRecipes.Reliability.Worker;

/// <summary>
/// Everything a worker needs to know, passed by the harness as one JSON argument: who it is, where its site's
/// Cassandra node and its own ZooKeeper proxies are, and what to run.
/// </summary>
internal sealed record WorkerOptions
{
    /// <summary>The client's name in the histories, e.g. "s1-raw.2" (the second process of that role).</summary>
    public required string Name { get; init; }

    public required int Site { get; init; }

    /// <summary>Which of the site's workers of this workload it is (0 for the first); its replacement keeps it.</summary>
    public int Copy { get; init; }

    /// <summary>The operation kind the workload records for its acquires: "acquire" (raw MUSIC operations) or "mutex-acquire" (<c>MusicMutex</c>).</summary>
    public required string AcquireKind { get; init; }

    public required IReadOnlyList<string> Counters { get; init; }

    public required int Seed { get; init; }

    /// <summary>The client's own proxies to the ZooKeeper servers, "127.0.0.1:p1,127.0.0.1:p2,…".</summary>
    public required string ZooKeeper { get; init; }

    public required string LockRoot { get; init; }

    public required int SessionTimeoutMs { get; init; }

    /// <summary>The site's Cassandra node, its coordinator.</summary>
    public required string CassandraAddress { get; init; }

    public required int CassandraPort { get; init; }

    public required int CassandraRequestTimeoutMs { get; init; }

    public required string DataCenter { get; init; }

    public required string Keyspace { get; init; }

    public string ToArgument() => JsonSerializer.Serialize(this);

    public static WorkerOptions Parse(string argument) =>
        JsonSerializer.Deserialize<WorkerOptions>(argument) ?? throw new ArgumentException("No worker options.", nameof(argument));
}
