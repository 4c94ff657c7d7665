using System.Runtime.CompilerServices;

namespace MusicRecipes.Bench;

/// <summary>
/// One way of running a critical section of k read-modify-writes of a counter key by several concurrent clients.
/// Client i always runs its sections through its own connection/session.
/// </summary>
internal interface ISectionVariant : IAsyncDisposable
{
    /// <summary>Short name used in tables.</summary>
    string Name { get; }

    /// <summary>Makes <paramref name="key"/> ready with the counter at 0 (a node, a row; nothing for MUSIC).</summary>
    Task PrepareKeyAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Runs one section of <paramref name="operations"/> increments of <paramref name="key"/> as client
    /// <paramref name="client"/>; <paramref name="completed"/> is incremented after each increment that certainly
    /// took effect. Returns how many attempts had to be repeated (conflicts).
    /// </summary>
    Task<int> RunSectionAsync(int client, string key, int operations, StrongBox<long> completed, CancellationToken cancellationToken);

    /// <summary>The counter's value, read strongly.</summary>
    Task<long> ReadCounterAsync(string key, CancellationToken cancellationToken);
}
