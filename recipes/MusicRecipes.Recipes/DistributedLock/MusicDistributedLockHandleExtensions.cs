using System.Text;
using System.Text.Json;

namespace MusicRecipes;

/// <summary>UTF-8 string and JSON forms of <see cref="MusicDistributedLockHandle"/>'s critical read and write of the lock's value.</summary>
/// <example>
/// <code>
/// await using var handle = await provider.CreateLock("stock:apples").AcquireAsync(cancellationToken: ct);
/// var stock = await handle.GetJsonAsync&lt;int&gt;(cancellationToken: ct);
/// await handle.PutJsonAsync(stock - 1, cancellationToken: ct);
/// </code>
/// </example>
public static class MusicDistributedLockHandleExtensions
{
    /// <summary>Critical read of the lock's value as UTF-8 text; <c>null</c> when it has none.</summary>
    public static async Task<string?> GetStringAsync(this MusicDistributedLockHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var bytes = await handle.GetAsync(cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Critical write of the lock's value as UTF-8 text.</summary>
    public static Task PutStringAsync(this MusicDistributedLockHandle handle, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(value);
        return handle.PutAsync(Encoding.UTF8.GetBytes(value), cancellationToken);
    }

    /// <summary>Critical read of the lock's value as JSON; <c>default</c> when it has none.</summary>
    public static async Task<T?> GetJsonAsync<T>(this MusicDistributedLockHandle handle, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var bytes = await handle.GetAsync(cancellationToken).ConfigureAwait(false);
        return bytes is null ? default : JsonSerializer.Deserialize<T>(bytes, options);
    }

    /// <summary>Critical write of the lock's value as JSON.</summary>
    public static Task PutJsonAsync<T>(this MusicDistributedLockHandle handle, T value, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.PutAsync(JsonSerializer.SerializeToUtf8Bytes(value, options), cancellationToken);
    }
}
