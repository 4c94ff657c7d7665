using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Reliability.Worker.Workloads;

/// <summary>A counter hold taken with the <see cref="MusicMutex"/> recipe.</summary>
internal sealed class MutexCounterHold(MusicCriticalSection section, string key) : ICounterHold
{
    public long Ordinal => section.FencingTokenFor(key).Value;

    public bool IsLost => section.LossReason is not null;

    public bool IsHeld => section.IsHeld;

    public LockRef LockRef => section.LockRef;

    public static async Task<ICounterHold> AcquireAsync(IMusicClient client, string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The mutex withdraws its own ticket on a timeout or failure.
        var section = await new MusicMutex(client, [key]).AcquireAsync(timeout, cancellationToken);
        return new MutexCounterHold(section, key);
    }

    public Task<byte[]?> GetAsync(CancellationToken cancellationToken) => section.GetAsync(key, cancellationToken);

    public Task PutAsync(byte[] value, CancellationToken cancellationToken) => section.PutAsync(key, value, cancellationToken);

    public Task ReleaseAsync(CancellationToken cancellationToken) => section.ReleaseAsync(cancellationToken);
}
