using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Testing;
using MusicRecipes.Testing.SiteClients;

namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>
/// The recipe suites with state and locks both in Cassandra (the lock store of lightweight transactions, for a
/// deployment without ZooKeeper). Each client's lock store has a CQL session of its own, through the client's lock
/// proxy, so a cut-off ends its lock session and leaves its data.
/// </summary>
public sealed class CassandraLocksRecipeBackend(RealBackendServers servers) : RealRecipeBackend(servers)
{
    private static readonly TimeSpan ExpiryPatience = TimeSpan.FromSeconds(30);

    protected override SiteClientBuilder WithLocks(SiteClientBuilder builder) =>
        builder.WithCassandraLocks(CassandraNode, Servers.Servers.Cassandra.CreateSessionOptions(), RealBackendServers.RecipeLockOptions(SessionTimeout, createSchema: false));

    /// <summary>
    /// As the service expires a session: its renewals stop arriving (the client's lock link is cut) until the session
    /// row's TTL has run out, then the link heals and the client hears that its session is gone. Deleting the row by
    /// hand instead would end the session before the client's lease (rule 6 of docs/design.md): others could evict its
    /// tickets while it still counts on them, which no real expiry does (docs/cassandra.md, "Session rows").
    /// </summary>
    protected override async Task ExpireSessionAsync(FaultableSiteClient client)
    {
        var locks = (CassandraLockStore)client.LockStore;
        if (locks.SessionId is not { } id)
        {
            return; // no session opened yet: nothing to expire
        }

        client.CutLocks();
        var readSession = new CqlQuery($"SELECT session_id FROM {locks.SessionTable} WHERE session_id = ?", id) { Consistency = CqlConsistency.Quorum };
        await Eventually.TrueAsync(
            async () => (await Servers.AdminSession.ExecuteAsync(readSession)).Rows.Count == 0,
            ExpiryPatience,
            $"lock session {id} expires",
            TimeSpan.FromMilliseconds(100));

        HealLockLink(client);
    }
}
