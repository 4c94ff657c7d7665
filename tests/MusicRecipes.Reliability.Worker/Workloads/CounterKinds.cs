namespace MusicRecipes.Reliability.Worker.Workloads;

/// <summary>The two counter workloads, named by the operation kind their acquires are recorded under.</summary>
internal static class CounterKinds
{
    /// <summary>(a) the raw MUSIC operations: <c>CreateLockRefAsync</c>, <c>WaitForLockAsync</c>, critical get/put, <c>ReleaseLockAsync</c>.</summary>
    public const string Raw = "acquire";

    /// <summary>(b) the same increments through <c>MusicMutex</c> / <c>MusicCriticalSection</c>.</summary>
    public const string Mutex = "mutex-acquire";
}
