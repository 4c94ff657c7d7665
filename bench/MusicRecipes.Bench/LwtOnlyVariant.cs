using System.Runtime.CompilerServices;
using MusicRecipes.Cql;

namespace MusicRecipes.Bench;

/// <summary>
/// "Cassandra LWT only": no lock at all; every increment is a QUORUM read of (value, version) followed by
/// <c>UPDATE … SET value = v+1, version = n+1 IF version = n</c> (Paxos at SERIAL). A lost race re-reads and retries,
/// counted as a conflict. Note what this does NOT give: the k increments of a "section" are not isolated from other
/// clients' increments, unlike a MUSIC or ZooKeeper section.
/// </summary>
internal sealed class LwtOnlyVariant : ISectionVariant
{
    public const string Table = MusicStores.Keyspace + ".lwt_counter";

    private readonly CqlSession _session;
    private readonly CqlSession _verifier;
    private readonly CqlPreparedStatement _read;
    private readonly CqlPreparedStatement _update;
    private readonly CqlPreparedStatement _insert;

    private LwtOnlyVariant(CqlSession session, CqlSession verifier, CqlPreparedStatement read, CqlPreparedStatement update, CqlPreparedStatement insert)
    {
        _session = session;
        _verifier = verifier;
        _read = read;
        _update = update;
        _insert = insert;
    }

    public string Name => "Cassandra LWT";

    /// <summary>Creates the counter table (once, alone, after the keyspace exists).</summary>
    public static async Task CreateSchemaAsync(CqlSession direct, CancellationToken cancellationToken)
    {
        await direct.ExecuteAsync(new CqlQuery($"CREATE TABLE IF NOT EXISTS {Table} (key text PRIMARY KEY, value bigint, version bigint)") { IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
        if (!await direct.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"No schema agreement after creating {Table}.");
        }
    }

    /// <summary>All clients share the network's session: an LWT carries no per-client state.</summary>
    public static async Task<LwtOnlyVariant> CreateAsync(BenchNetwork network, CancellationToken cancellationToken)
    {
        var session = network.CriticalSession;
        return new LwtOnlyVariant(
            session,
            network.DirectSession,
            await session.PrepareAsync($"SELECT value, version FROM {Table} WHERE key = ?", cancellationToken).ConfigureAwait(false),
            await session.PrepareAsync($"UPDATE {Table} SET value = ?, version = ? WHERE key = ? IF version = ?", cancellationToken).ConfigureAwait(false),
            await session.PrepareAsync($"INSERT INTO {Table} (key, value, version) VALUES (?, 0, 0)", cancellationToken).ConfigureAwait(false));
    }

    public async Task PrepareKeyAsync(string key, CancellationToken cancellationToken) =>
        await _session.ExecuteAsync(new CqlBoundStatement(_insert, key) { Consistency = CqlConsistency.Quorum, IsIdempotent = true }, cancellationToken).ConfigureAwait(false);

    public async Task<int> RunSectionAsync(int client, string key, int operations, StrongBox<long> completed, CancellationToken cancellationToken)
    {
        var conflicts = 0;
        for (var i = 0; i < operations; i++)
        {
            while (true)
            {
                var rows = await _session.ExecuteAsync(new CqlBoundStatement(_read, key) { Consistency = CqlConsistency.Quorum, IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
                var value = rows.Rows[0].Get<long>("value");
                var version = rows.Rows[0].Get<long>("version");
                var result = await _session.ExecuteAsync(
                    new CqlBoundStatement(_update, value + 1, version + 1, key, version) { Consistency = CqlConsistency.Quorum, SerialConsistency = CqlConsistency.Serial },
                    cancellationToken).ConfigureAwait(false);
                if (result.WasApplied)
                {
                    Interlocked.Increment(ref completed.Value);
                    break;
                }

                conflicts++;
            }
        }

        return conflicts;
    }

    public async Task<long> ReadCounterAsync(string key, CancellationToken cancellationToken)
    {
        // SERIAL: a linearizable read that also completes any Paxos round left in flight.
        var rows = await _verifier.ExecuteAsync(new CqlQuery($"SELECT value FROM {Table} WHERE key = ?", key) { Consistency = CqlConsistency.Serial, IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
        return rows.Rows[0].Get<long>("value");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
