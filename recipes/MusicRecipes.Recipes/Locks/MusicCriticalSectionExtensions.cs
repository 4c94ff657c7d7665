using System.Text;
using System.Text.Json;

namespace MusicRecipes.Recipes.Locks;

/// <summary>UTF-8 string and JSON overloads of <see cref="MusicCriticalSection"/>'s critical operations.</summary>
/// <example>
/// <code>
/// var order = await section.GetJsonAsync&lt;Order&gt;("order:9", cancellationToken: ct);
/// await section.PutJsonAsync("order:9", order! with { State = "paid" }, cancellationToken: ct);
/// await section.PutStringAsync("order:9:note", "paid by card", ct);
/// </code>
/// </example>
public static class MusicCriticalSectionExtensions
{
    /// <summary>Critical read of a UTF-8 string; <c>null</c> when the key has no value.</summary>
    public static async Task<string?> GetStringAsync(this MusicCriticalSection section, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(section);
        var bytes = await section.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Critical write of a UTF-8 string.</summary>
    public static Task PutStringAsync(this MusicCriticalSection section, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(value);
        return section.PutAsync(key, Encoding.UTF8.GetBytes(value), cancellationToken);
    }

    /// <summary>Critical read of a JSON value; <c>default</c> when the key has no value.</summary>
    public static async Task<T?> GetJsonAsync<T>(this MusicCriticalSection section, string key, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(section);
        var bytes = await section.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? default : JsonSerializer.Deserialize<T>(bytes, options);
    }

    /// <summary>Critical write of a JSON value.</summary>
    public static Task PutJsonAsync<T>(this MusicCriticalSection section, string key, T value, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(section);
        return section.PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, options), cancellationToken);
    }
}
