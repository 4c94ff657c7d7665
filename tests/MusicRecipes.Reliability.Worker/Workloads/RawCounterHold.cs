namespace MusicRecipes.Reliability.Worker.Workloads;

/// <summary>A counter hold taken with the seven MUSIC operations themselves (create, wait, critical get/put, release).</summary>
internal sealed class RawCounterHold(IMusicClient client, LockRef lockRef, string key) : ICounterHold
{
    public long Ordinal => lockRef.FencingTokenFor(key).Value;

    public bool IsLost => lockRef.LossReason is not null;

    public bool IsHeld => lockRef.IsHeld;

    public LockRef LockRef => lockRef;

    /// <summary>Creates a ticket and waits for it; a ticket that did not get the lock is withdrawn before the error is rethrown.</summary>
    public static async Task<ICounterHold> AcquireAsync(IMusicClient client, string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var lockRef = await client.CreateLockRefAsync([key], cancellationToken);
        try
        {
            await client.WaitForLockAsync(lockRef, timeout, cancellationToken);
        }
        catch (Exception ex) when (Outcomes.IsExpected(ex))
        {
            await Releaser.ReleaseAsync(() => client.ReleaseLockAsync(lockRef, CancellationToken.None));
            throw;
        }

        return new RawCounterHold(client, lockRef, key);
    }

    public Task<byte[]?> GetAsync(CancellationToken cancellationToken) => client.CriticalGetAsync(lockRef, key, cancellationToken);

    public Task PutAsync(byte[] value, CancellationToken cancellationToken) => client.CriticalPutAsync(lockRef, key, value, cancellationToken);

    public Task ReleaseAsync(CancellationToken cancellationToken) => client.ReleaseLockAsync(lockRef, cancellationToken);
}
