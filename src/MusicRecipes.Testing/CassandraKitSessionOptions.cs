using MusicRecipes.Cql;

namespace MusicRecipes.Testing;

/// <summary>The session options both Cassandra kits (processes and containers) hand their users.</summary>
internal static class CassandraKitSessionOptions
{
    /// <summary>The kit's session options: every contact point, a request timeout above the servers' own timeouts.</summary>
    public static CqlSessionOptions Create(int port, int writeRequestTimeoutMs, int readRequestTimeoutMs, IEnumerable<string> contactPoints)
    {
        var options = new CqlSessionOptions
        {
            Port = port,
            RequestTimeout = TimeSpan.FromMilliseconds(Math.Max(writeRequestTimeoutMs, readRequestTimeoutMs) * 3),
            ConnectTimeout = TimeSpan.FromSeconds(3),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(200),
            ReconnectMaxDelay = TimeSpan.FromSeconds(2),
        };
        foreach (var contact in contactPoints)
        {
            options.ContactPoints.Add(contact);
        }

        return options;
    }
}
