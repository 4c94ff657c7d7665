using System.Globalization;
using MusicRecipes.Cql;

namespace MusicRecipes.Bench;

/// <summary>
/// The placement service on Cassandra lightweight transactions alone: an item is a partition of its own, so claims of
/// different items never contend in Paxos. A submission inserts the item with <c>IF NOT EXISTS</c> (an LWT) and then
/// lists it in its producer's index partition (a QUORUM write); a worker reads the indexes and items at its own site
/// (LOCAL_ONE, free), claims with <c>IF state = 'submitted'</c> and completes with <c>IF state = 'claimed' AND worker =
/// me</c> (two more LWTs). Idle workers poll with the same backoff as MUSIC's (Cassandra has no watches).
/// A claim whose LWT failed (a timeout leaves a Paxos round's outcome unknown) may have been applied: the worker
/// remembers the item and, when it later finds it claimed, reads it SERIAL and takes it up if the claim is its own.
/// Without that such an item stayed claimed forever (22 items lost in the run of 2026-11-30).
/// </summary>
internal sealed class LwtQueuePlacement : IPlacementVariant
{
    private const string Items = MusicStores.Keyspace + ".lwt_queue_items";
    private const string Index = MusicStores.Keyspace + ".lwt_queue_index";

    private readonly BenchNetwork _network;
    private readonly string _queue;
    private readonly long[] _sequences;
    private readonly LwtQueueCursor[] _cursors;
    private readonly HashSet<(int Producer, long Seq)>[] _uncertain;
    private SiteStatements[] _statements = [];

    public LwtQueuePlacement(BenchNetwork network, string run, int workers)
    {
        _network = network;
        _queue = run;
        _sequences = new long[network.Sites.Count];
        _cursors = Enumerable.Range(0, workers).Select(_ => new LwtQueueCursor(network.Sites.Count)).ToArray();
        _uncertain = Enumerable.Range(0, workers).Select(_ => new HashSet<(int, long)>()).ToArray();
    }

    public string Name => "Cassandra LWT";

    /// <summary>Creates the queue's tables (once, alone, after the keyspace exists).</summary>
    public static async Task CreateSchemaAsync(BenchNetwork network, CancellationToken cancellationToken)
    {
        var session = network.Sites[0].Session;
        foreach (var ddl in new[]
        {
            $"CREATE TABLE IF NOT EXISTS {Items} (queue text, producer int, seq bigint, payload text, state text, worker text, PRIMARY KEY ((queue, producer, seq)))",
            $"CREATE TABLE IF NOT EXISTS {Index} (queue text, producer int, seq bigint, PRIMARY KEY ((queue, producer), seq))",
        })
        {
            await session.ExecuteAsync(new CqlQuery(ddl) { IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
            await session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var statements = new List<SiteStatements>();
        foreach (var site in _network.Sites)
        {
            statements.Add(await SiteStatements.PrepareAsync(site.Session, cancellationToken).ConfigureAwait(false));
        }

        _statements = statements.ToArray();
    }

    public async Task<string> SubmitAsync(int site, string payload, CancellationToken cancellationToken)
    {
        var s = _statements[site];
        var seq = Interlocked.Increment(ref _sequences[site]);
        var inserted = await s.Session.ExecuteAsync(Lwt(s.Insert, _queue, site, seq, payload), cancellationToken).ConfigureAwait(false);
        if (!inserted.WasApplied)
        {
            throw new InvalidOperationException($"Item {site}/{seq} already existed.");
        }

        await s.Session.ExecuteAsync(new CqlBoundStatement(s.List, _queue, site, seq) { Consistency = CqlConsistency.Quorum, IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
        return Id(site, seq);
    }

    public async Task<IPlacementClaim?> TryClaimAsync(int worker, CancellationToken cancellationToken)
    {
        var s = _statements[_network.SiteOf(worker).Index];
        var cursor = _cursors[worker];
        var producers = _network.Sites.Count;
        var offset = Random.Shared.Next(producers);
        for (var i = 0; i < producers; i++)
        {
            var producer = (i + offset) % producers;
            var listed = await s.Session.ExecuteAsync(Local(s.ListFrom, _queue, producer, cursor.LowWater(producer)), cancellationToken).ConfigureAwait(false);
            foreach (var seq in listed.Rows.Select(r => r.Get<long>("seq")).Where(seq => !cursor.IsSettled(producer, seq)))
            {
                var item = (await s.Session.ExecuteAsync(Local(s.Read, _queue, producer, seq), cancellationToken).ConfigureAwait(false)).Rows.FirstOrDefault();
                if (item is not null && item.Get<string>("state") == "claimed" && _uncertain[worker].Contains((producer, seq)))
                {
                    // This worker holds no claim now, so a claim of its own on the item is one whose LWT failed but landed.
                    if (await RecoverAsync(s, worker, producer, seq, cancellationToken).ConfigureAwait(false) is { } recovered)
                    {
                        return recovered;
                    }

                    continue;
                }

                if (item is null || item.Get<string>("state") != "submitted")
                {
                    Settle(cursor, producer, seq, item?.Get<string>("state"));
                    continue;
                }

                CqlRowSet worked;
                try
                {
                    worked = await s.Session.ExecuteAsync(Lwt(s.Claim, Worker(worker), _queue, producer, seq), cancellationToken).ConfigureAwait(false);
                }
                catch (CqlException)
                {
                    _uncertain[worker].Add((producer, seq));
                    throw;
                }

                if (worked.WasApplied)
                {
                    return new Claim(this, s, worker, producer, seq, item.Get<string>("payload")!);
                }

                if (worked.Rows[0].Get<string>("state") == "claimed" && _uncertain[worker].Contains((producer, seq))
                    && await RecoverAsync(s, worker, producer, seq, cancellationToken).ConfigureAwait(false) is { } mine)
                {
                    return mine;
                }

                Settle(cursor, producer, seq, worked.Rows[0].Get<string>("state"));
            }
        }

        return null;
    }

    /// <summary>Reads an item this worker may have claimed without learning it, SERIAL: the claim if it is its own.</summary>
    private async Task<IPlacementClaim?> RecoverAsync(SiteStatements s, int worker, int producer, long seq, CancellationToken cancellationToken)
    {
        var row = (await s.Session.ExecuteAsync(new CqlBoundStatement(s.Read, _queue, producer, seq) { Consistency = CqlConsistency.Serial, IsIdempotent = true }, cancellationToken).ConfigureAwait(false)).Rows.FirstOrDefault();
        _uncertain[worker].Remove((producer, seq)); // known now: whatever the row says next is settled by the usual rounds
        return row is not null && row.Get<string>("state") == "claimed" && row.Get<string>("worker") == Worker(worker)
            ? new Claim(this, s, worker, producer, seq, row.Get<string>("payload")!)
            : null;
    }

    public Task IdleAsync(int worker, int emptyRounds, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 20 << Math.Min(emptyRounds - 1, 6))), cancellationToken);

    /// <summary>A SERIAL read: linearizable, and it completes any Paxos round left in flight.</summary>
    public async Task<bool> IsDoneAsync(string item, CancellationToken cancellationToken)
    {
        var slash = item.IndexOf('/');
        var producer = int.Parse(item[..slash], CultureInfo.InvariantCulture);
        var seq = long.Parse(item[(slash + 1)..], CultureInfo.InvariantCulture);
        var s = _statements[0];
        var rows = await s.Session.ExecuteAsync(new CqlBoundStatement(s.Read, _queue, producer, seq) { Consistency = CqlConsistency.Serial, IsIdempotent = true }, cancellationToken).ConfigureAwait(false);
        return rows.Rows.FirstOrDefault()?.Get<string>("state") == "done";
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string Id(int producer, long seq) => FormattableString.Invariant($"{producer}/{seq}");

    private static string Worker(int worker) => "w" + worker.ToString(CultureInfo.InvariantCulture);

    private static CqlBoundStatement Lwt(CqlPreparedStatement statement, params object?[] values) =>
        new(statement, values) { Consistency = CqlConsistency.Quorum, SerialConsistency = CqlConsistency.Serial };

    private static CqlBoundStatement Local(CqlPreparedStatement statement, params object?[] values) =>
        new(statement, values) { Consistency = CqlConsistency.LocalOne, IsIdempotent = true };

    /// <summary>Done items are never looked at again; missing ones (not here yet) and claimed ones are, next round.</summary>
    private static void Settle(LwtQueueCursor cursor, int producer, long seq, string? state)
    {
        if (state == "done")
        {
            cursor.Settle(producer, seq);
        }
    }

    private sealed record SiteStatements(CqlSession Session, CqlPreparedStatement Insert, CqlPreparedStatement List, CqlPreparedStatement ListFrom, CqlPreparedStatement Read, CqlPreparedStatement Claim, CqlPreparedStatement Complete)
    {
        public static async Task<SiteStatements> PrepareAsync(CqlSession session, CancellationToken cancellationToken) => new(
            session,
            await session.PrepareAsync($"INSERT INTO {Items} (queue, producer, seq, payload, state) VALUES (?, ?, ?, ?, 'submitted') IF NOT EXISTS", cancellationToken).ConfigureAwait(false),
            await session.PrepareAsync($"INSERT INTO {Index} (queue, producer, seq) VALUES (?, ?, ?)", cancellationToken).ConfigureAwait(false),
            await session.PrepareAsync($"SELECT seq FROM {Index} WHERE queue = ? AND producer = ? AND seq > ?", cancellationToken).ConfigureAwait(false),
            await session.PrepareAsync($"SELECT payload, state, worker FROM {Items} WHERE queue = ? AND producer = ? AND seq = ?", cancellationToken).ConfigureAwait(false),
            await session.PrepareAsync($"UPDATE {Items} SET state = 'claimed', worker = ? WHERE queue = ? AND producer = ? AND seq = ? IF state = 'submitted'", cancellationToken).ConfigureAwait(false),
            await session.PrepareAsync($"UPDATE {Items} SET state = 'done' WHERE queue = ? AND producer = ? AND seq = ? IF state = 'claimed' AND worker = ?", cancellationToken).ConfigureAwait(false));
    }

    private sealed class Claim(LwtQueuePlacement queue, SiteStatements s, int worker, int producer, long seq, string payload) : IPlacementClaim
    {
        public string Item => Id(producer, seq);

        public string Payload => payload;

        public long Fencing => 0;

        /// <summary>
        /// Retried until it is known either way (a timeout leaves a Paxos round's outcome unknown; a retry that finds the
        /// item done by this worker learns it was applied): nobody else may complete an item this worker claimed.
        /// </summary>
        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                try
                {
                    var result = await s.Session.ExecuteAsync(Lwt(s.Complete, queue._queue, producer, seq, Worker(worker)), cancellationToken).ConfigureAwait(false);
                    var row = result.Rows[0];
                    if (!result.WasApplied && !(row.Get<string>("state") == "done" && row.Get<string>("worker") == Worker(worker)))
                    {
                        throw new InvalidOperationException($"Item {Item} is {row.Get<string>("state")} by {row.Get<string>("worker")}, not claimed by {Worker(worker)}.");
                    }

                    queue._cursors[worker].Settle(producer, seq);
                    return;
                }
                catch (CqlException)
                {
                    await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
