using Microsoft.Extensions.Options;

namespace MusicRecipes.Hosting;

/// <summary>
/// Turns <see cref="MusicOptions.Backend"/> from configuration into the <c>Use…</c> calls it names, for the halves
/// code did not choose: "InMemory", "Cassandra" (data and locks on Cassandra), "Cassandra+ZooKeeper" (data on
/// Cassandra, locks on ZooKeeper) or "Cassandra+Cassandra". Runs after every configure delegate, so code wins.
/// </summary>
internal sealed class ConfiguredBackendSelector : IPostConfigureOptions<MusicOptions>
{
    public void PostConfigure(string? name, MusicOptions options)
    {
        if (options.ClientFactory is not null || string.IsNullOrWhiteSpace(options.Backend)
            || string.Equals(options.Backend, "InMemory", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var parts = options.Backend.Split('+', StringSplitOptions.TrimEntries);
        var data = parts[0];
        var locks = parts.Length == 2 ? parts[1] : parts[0];
        if (parts.Length > 2 || !Is(data, "Cassandra") || !(Is(locks, "Cassandra") || Is(locks, "ZooKeeper")))
        {
            throw new InvalidOperationException(
                $"Unknown Music:Backend '{options.Backend}': use InMemory, Cassandra (data and locks), Cassandra+ZooKeeper or Cassandra+Cassandra.");
        }

        if (options.DataStoreFactory is null)
        {
            options.UseCassandra();
        }

        if (options.LockStoreFactory is null)
        {
            _ = Is(locks, "ZooKeeper") ? options.UseZooKeeperLocks() : options.UseCassandraLocks();
        }
    }

    private static bool Is(string part, string backend) => string.Equals(part, backend, StringComparison.OrdinalIgnoreCase);
}
