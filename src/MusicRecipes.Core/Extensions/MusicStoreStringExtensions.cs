using System.Text;

namespace MusicRecipes;

/// <summary>UTF-8 string overloads of the MUSIC operations.</summary>
/// <example>
/// <code>
/// await store.PutStringAsync("greeting", "hello", ct);
/// string? text = await store.GetStringAsync("greeting", ct);
/// </code>
/// </example>
public static class MusicStoreStringExtensions
{
    /// <summary>Eventual read of a UTF-8 string.</summary>
    public static async Task<string?> GetStringAsync(this IMusicStore store, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Decode(await store.GetAsync(key, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Eventual write of a UTF-8 string.</summary>
    public static Task PutStringAsync(this IMusicStore store, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(value);
        return store.PutAsync(key, Encoding.UTF8.GetBytes(value), cancellationToken);
    }

    /// <summary>Critical read of a UTF-8 string.</summary>
    public static async Task<string?> CriticalGetStringAsync(this IMusicStore store, LockRef lockRef, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Decode(await store.CriticalGetAsync(lockRef, key, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Critical write of a UTF-8 string.</summary>
    public static Task CriticalPutStringAsync(this IMusicStore store, LockRef lockRef, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(value);
        return store.CriticalPutAsync(lockRef, key, Encoding.UTF8.GetBytes(value), cancellationToken);
    }

    private static string? Decode(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}
