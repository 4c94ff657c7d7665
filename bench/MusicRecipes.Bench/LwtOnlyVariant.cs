using System.Runtime.CompilerServices;
using MusicRecipes.Cql;

namespace MusicRecipes.Bench;

/// <summary>
/// "Cassandra LWT only", a fair one: no lock at all; every increment is a read of (value, version) from the local
/// replica (LOCAL_ONE: free, and usually current, since the coordinator's own replica takes part in every commit)
/// followed by <c>UPDATE … SET value = v+1, version = n+1 IF version = n</c> (Paxos at SERIAL). A lost race or a stale
/// read re-reads and retries, counted as a conflict. Note what this does NOT give: the k increments of a "section" are not isolated from other
/// clients' increments, unlike a MUSIC or ZooKeeper section.
/// </summary>
internal sealed class LwtOnlyVariant : ISectionVariant
{
    public const string Table = MusicStores.Keyspace + ".lwt_counter";

    private readonly BenchNetwork _network;
    private readonly SiteStatements[] _statements;

    private LwtOnlyVariant(BenchNetwork network, SiteStatements[] statements)
    {
        _network = network;
        _statements = statements;
    }

    public string Name => "Cassandra LWT";

    /// <summary>Creates the counter table (once, alone, after the keyspace exists).</summary>
    public static async Task CreateSchemaAsync(BenchNetwork network, CancellationToken cancellationToken)
    {
        var direct = network.Sites[0].Session;
        await direct.ExecuteAsync(new CqlQuery($"CREATE TABLE IF NOT EXISTS {Table} (key text PRIMARY KEY, value bigint, version bigint)") { IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
        if (!await direct.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"No schema agreement after creating {Table}.");
        }
    }

    /// <summary>Client i uses its site's session (an LWT carries no per-client state).</summary>
    public static async Task<LwtOnlyVariant> CreateAsync(BenchNetwork network, CancellationToken cancellationToken)
    {
        var statements = new SiteStatements[network.Sites.Count];
        foreach (var site in network.Sites)
        {
            statements[site.Index] = new SiteStatements(
                site.Session,
                await site.Session.PrepareAsync($"SELECT value, version FROM {Table} WHERE key = ?", cancellationToken).ConfigureAwait(false),
                await site.Session.PrepareAsync($"UPDATE {Table} SET value = ?, version = ? WHERE key = ? IF version = ?", cancellationToken).ConfigureAwait(false),
                await site.Session.PrepareAsync($"INSERT INTO {Table} (key, value, version) VALUES (?, 0, 0)", cancellationToken).ConfigureAwait(false));
        }

        return new LwtOnlyVariant(network, statements);
    }

    public async Task PrepareKeyAsync(string key, CancellationToken cancellationToken)
    {
        var site = _statements[0];
        await site.Session.ExecuteAsync(new CqlBoundStatement(site.Insert, key) { Consistency = CqlConsistency.Quorum, IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> RunSectionAsync(int client, string key, int operations, StrongBox<long> completed, CancellationToken cancellationToken)
    {
        var site = _statements[_network.SiteOf(client).Index];
        var conflicts = 0;
        for (var i = 0; i < operations; i++)
        {
            while (true)
            {
                var rows = await site.Session.ExecuteAsync(new CqlBoundStatement(site.Read, key) { Consistency = CqlConsistency.LocalOne, IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
                var value = rows.Rows[0].Get<long>("value");
                var version = rows.Rows[0].Get<long>("version");
                var result = await site.Session.ExecuteAsync(
                    new CqlBoundStatement(site.Update, value + 1, version + 1, key, version) { Consistency = CqlConsistency.Quorum, SerialConsistency = CqlConsistency.Serial },
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
        var rows = await _statements[0].Session.ExecuteAsync(new CqlQuery($"SELECT value FROM {Table} WHERE key = ?", key) { Consistency = CqlConsistency.Serial, IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
        return rows.Rows[0].Get<long>("value");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Prepared statements belong to the session that prepared them: one set per site.</summary>
    private sealed record SiteStatements(CqlSession Session, CqlPreparedStatement Read, CqlPreparedStatement Update, CqlPreparedStatement Insert);
}
