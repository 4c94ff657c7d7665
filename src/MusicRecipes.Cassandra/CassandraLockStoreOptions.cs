using MusicRecipes.Cql;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

/// <summary>Settings of a <see cref="CassandraLockStore"/>.</summary>
/// <example>
/// <code>
/// var options = new CassandraLockStoreOptions { Keyspace = "music", SessionTimeout = TimeSpan.FromSeconds(10) };
/// </code>
/// </example>
public sealed class CassandraLockStoreOptions
{
    /// <summary>Keyspace of the lock tables. Default "music".</summary>
    public string Keyspace { get; set; } = "music";

    /// <summary>Prefix of the lock tables (<c>{prefix}_queue</c>, <c>{prefix}_sessions</c>). Default "music_lock".</summary>
    public string TablePrefix { get; set; } = "music_lock";

    /// <summary>Replication used if the keyspace does not exist yet. Default SimpleStrategy with 3 replicas.</summary>
    public CassandraReplication Replication { get; set; } = CassandraReplication.Simple(3);

    /// <summary>Whether to create the keyspace and tables when missing. Default true.</summary>
    public bool CreateSchema { get; set; } = true;

    /// <summary>
    /// Serial consistency of every lightweight transaction and strong read. Default SERIAL (Paxos over all data
    /// centres); LOCAL_SERIAL would let two sites each elect a head during a partition (rule 1 of docs/design.md).
    /// </summary>
    public CqlConsistency SerialConsistency { get; set; } = CqlConsistency.Serial;

    /// <summary>
    /// Lease of a session: its row lives this long (a TTL, whole seconds, at least 2 s) unless the heartbeat renews
    /// it. A session whose row expired is dead, and its tickets may be removed by anyone. The client itself counts on
    /// its session only for 80 % of one second less than that after the send time of the last acknowledged renewal
    /// (Cassandra expires a TTL on whole seconds of the coordinator's clock, so a row may die up to a second early); then
    /// its tickets read as lost, before anyone else can see the row gone. Default 10 s.
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the heartbeat renews the session; each renewal gives up after one interval, so a renewal stuck on a
    /// dead connection never delays the next. Default a quarter of the client's lease term (see <see cref="SessionTimeout"/>);
    /// longer than the term, the session's tickets are lost at the end of each term (a way to simulate a stalled client).
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>First and largest delay between polls of <see cref="CassandraLockStore.WaitForChangeAsync"/>.</summary>
    public TimeSpan PollMinDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Largest delay between polls.</summary>
    public TimeSpan PollMaxDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long to wait for schema agreement after creating tables. Default 30 s.</summary>
    public TimeSpan SchemaAgreementTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock (tests can shift it).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal int SessionTtlSeconds => Math.Max(1, (int)Math.Ceiling(SessionTimeout.TotalSeconds));

    /// <summary>The client's side of the session lease: after an acknowledged renewal, how long the session surely lives.</summary>
    internal TimeSpan LeaseTerm => SessionLease.TermFor(TimeSpan.FromSeconds(SessionTtlSeconds - 1));

    internal TimeSpan Heartbeat => HeartbeatInterval ?? TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 100, LeaseTerm.Ticks / 4));
}
