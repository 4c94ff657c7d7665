using System.Text.Json;

namespace MusicRecipes;

/// <summary>JSON (System.Text.Json) overloads of the MUSIC operations.</summary>
/// <example>
/// <code>
/// var state = await store.CriticalGetJsonAsync&lt;Checkpoint&gt;(lockRef, "svc/state", ct) ?? new Checkpoint();
/// await store.CriticalPutJsonAsync(lockRef, "svc/state", state with { Version = state.Version + 1 }, ct);
/// </code>
/// </example>
public static class MusicStoreJsonExtensions
{
    /// <summary>Eventual read of a JSON value; <c>default</c> when the key has no value.</summary>
    public static async Task<T?> GetJsonAsync<T>(this IMusicStore store, string key, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Deserialize<T>(await store.GetAsync(key, cancellationToken).ConfigureAwait(false), options);
    }

    /// <summary>Eventual write of a JSON value.</summary>
    public static Task PutJsonAsync<T>(this IMusicStore store, string key, T value, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, options), cancellationToken);
    }

    /// <summary>Critical read of a JSON value; <c>default</c> when the key has no value.</summary>
    public static async Task<T?> CriticalGetJsonAsync<T>(this IMusicStore store, LockRef lockRef, string key, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Deserialize<T>(await store.CriticalGetAsync(lockRef, key, cancellationToken).ConfigureAwait(false), options);
    }

    /// <summary>Critical write of a JSON value.</summary>
    public static Task CriticalPutJsonAsync<T>(this IMusicStore store, LockRef lockRef, string key, T value, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.CriticalPutAsync(lockRef, key, JsonSerializer.SerializeToUtf8Bytes(value, options), cancellationToken);
    }

    private static T? Deserialize<T>(byte[]? bytes, JsonSerializerOptions? options) =>
        bytes is null ? default : JsonSerializer.Deserialize<T>(bytes, options);
}
