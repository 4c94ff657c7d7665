using Polly;

namespace MusicRecipes;

/// <summary>Options of a <see cref="MusicClient"/>.</summary>
public sealed class MusicClientOptions
{
    /// <summary>
    /// How long one hold may last. When set, the holder's <see cref="LockRef.LostToken"/> fires once the lease runs
    /// out, and a waiter forcibly releases a holder whose lease ran out by more than <see cref="ClockSkewAllowance"/>.
    /// <c>null</c> (the default) relies on the lock-service session alone to remove dead holders.
    /// </summary>
    public TimeSpan? HoldLease { get; set; }

    /// <summary>How far clocks may disagree when judging another holder's lease. Default 1 second.</summary>
    public TimeSpan ClockSkewAllowance { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest value accepted, in bytes (the data store may set a lower limit). Default 1 MiB.</summary>
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The pipeline that wraps idempotent backend calls (reads, critical puts with their fixed timestamp, lock-state
    /// reads) against transient faults. Correctness never depends on it (docs/design.md §5). Default: no retries.
    /// </summary>
    public ResiliencePipeline Resilience { get; set; } = ResiliencePipeline.Empty;

    /// <summary>How long <see cref="IMusicClient.WaitForLockAsync"/> backs off after the lock service was unreachable. Default 100 ms.</summary>
    public TimeSpan UnavailableBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The clock used for eventual write timestamps and leases. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (HoldLease is { } lease && lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HoldLease), lease, "The hold lease must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ClockSkewAllowance, TimeSpan.Zero, nameof(ClockSkewAllowance));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValueBytes, 1, nameof(MaxValueBytes));
        ArgumentNullException.ThrowIfNull(Resilience, nameof(Resilience));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
