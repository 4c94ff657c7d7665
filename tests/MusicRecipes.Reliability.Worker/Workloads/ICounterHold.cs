namespace MusicRecipes.Reliability.Worker.Workloads;

/// <summary>
/// One held critical section over a counter key, whichever API took it (raw MUSIC operations or
/// <c>MusicMutex</c>), so one increment loop serves both workloads.
/// </summary>
internal interface ICounterHold
{
    /// <summary>The ticket's ordinal on the key (its fencing token).</summary>
    long Ordinal { get; }

    /// <summary>True once the hold is known lost (session expired, forced release, lease run out).</summary>
    bool IsLost { get; }

    /// <summary>What a careful holder reads before each critical operation: the lock is still its own.</summary>
    bool IsHeld { get; }

    /// <summary>The ticket behind the hold (its loss signal and, later, the moment of its loss).</summary>
    LockRef LockRef { get; }

    Task<byte[]?> GetAsync(CancellationToken cancellationToken);

    Task PutAsync(byte[] value, CancellationToken cancellationToken);

    /// <summary>Releases; throws when the lock service cannot be reached (the caller retries).</summary>
    Task ReleaseAsync(CancellationToken cancellationToken);
}
