namespace MusicRecipes.Hosting;

/// <summary>
/// The retry policy for transient backend faults (<see cref="MusicUnavailableException"/>,
/// <see cref="MusicTimeoutException"/>). It wraps only the calls MUSIC knows are idempotent (reads, critical puts with
/// their fixed fencing timestamp, lock-state reads); correctness never depends on it (docs/design.md §5).
/// </summary>
/// <example>
/// <code>
/// // appsettings.json: { "Music": { "Resilience": { "MaxRetryAttempts": 5, "BaseDelay": "00:00:00.100" } } }
/// services.AddMusic(o => { o.UseInMemory(); o.Resilience.MaxRetryAttempts = 5; });
/// </code>
/// </example>
public sealed class MusicResilienceOptions
{
    /// <summary>Whether to retry at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Retries after the first attempt. Default 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Delay before the first retry; grows exponentially with jitter. Default 50 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Largest delay between retries. Default 2 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);
}
