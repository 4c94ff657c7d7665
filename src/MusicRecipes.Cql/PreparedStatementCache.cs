using System.Collections.Concurrent;

namespace MusicRecipes.Cql;

/// <summary>
/// Prepared statements of a session, by query text (so preparing twice costs one round trip) and by id (to
/// re-prepare on a node that answers UNPREPARED, or on every new connection after a node restart).
/// </summary>
internal sealed class PreparedStatementCache
{
    private readonly ConcurrentDictionary<string, Task<CqlPreparedStatement>> _byCql = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CqlPreparedStatement> _byId = new(StringComparer.Ordinal);

    public IReadOnlyCollection<CqlPreparedStatement> All => _byId.Values.ToList();

    public async Task<CqlPreparedStatement> GetOrPrepareAsync(string cql, Func<string, Task<CqlPreparedStatement>> prepare)
    {
        var task = _byCql.GetOrAdd(cql, prepare);
        try
        {
            var prepared = await task.ConfigureAwait(false);
            _byId[Convert.ToHexString(prepared.Id)] = prepared;
            return prepared;
        }
        catch
        {
            // Do not cache a failure: the next call prepares again.
            _byCql.TryRemove(new KeyValuePair<string, Task<CqlPreparedStatement>>(cql, task));
            throw;
        }
    }

    public CqlPreparedStatement? FindById(byte[] id) => _byId.TryGetValue(Convert.ToHexString(id), out var prepared) ? prepared : null;
}
