using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra.Tests.Infrastructure;

/// <summary>Expiring a Cassandra lock store's session from outside, as its lease running out would: its row disappears, and the owner's next heartbeat finds it gone.</summary>
internal static class LockSessionRows
{
    /// <summary>Deletes <paramref name="store"/>'s session row through <paramref name="admin"/> (nothing if it has no session yet).</summary>
    public static async Task DeleteAsync(CqlSession admin, CassandraLockStore store)
    {
        if (store.SessionId is { } id)
        {
            await admin.ExecuteAsync(new CqlQuery($"DELETE FROM {store.SessionTable} WHERE session_id = ?", id) { Consistency = CqlConsistency.Quorum });
        }
    }
}
