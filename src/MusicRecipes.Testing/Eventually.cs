using System.Diagnostics;

namespace MusicRecipes.Testing;

/// <summary>
/// Waits, in a test, for what an asynchronous event, an election, gossip or a partition makes true in its own time;
/// on a timeout it throws a <see cref="TimeoutException"/> naming what it waited for.
/// </summary>
/// <example>
/// <code>
/// await Eventually.TrueAsync(() => states.Contains(ConnectionState.Expired), TimeSpan.FromSeconds(20), "the session expires");
/// var fired = await Eventually.WithinAsync(watchFired.Task, TimeSpan.FromSeconds(10), "the watch fires");
/// </code>
/// </example>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 20 ms until it holds.</summary>
    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return PollAsync(() => Task.FromResult(condition()), timeout, what, TimeSpan.FromMilliseconds(20));
    }

    /// <summary>
    /// Polls an asynchronous <paramref name="condition"/> every <paramref name="poll"/> (default 200 ms, for a condition
    /// that asks a server; in-memory conditions may poll faster) until it holds.
    /// </summary>
    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? poll = null) =>
        PollAsync(condition, timeout, what, poll ?? TimeSpan.FromMilliseconds(200));

    /// <summary>The result of <paramref name="task"/>, which must complete within <paramref name="timeout"/>.</summary>
    public static async Task<T> WithinAsync<T>(Task<T> task, TimeSpan timeout, string what)
    {
        await WithinAsync((Task)task, timeout, what).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    /// <summary>Waits for <paramref name="task"/>, which must complete within <paramref name="timeout"/>.</summary>
    public static async Task WithinAsync(Task task, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (await Task.WhenAny(task, Task.Delay(timeout)).ConfigureAwait(false) != task)
        {
            throw Timeout(timeout, what);
        }

        await task.ConfigureAwait(false);
    }

    private static async Task PollAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan poll)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > timeout)
            {
                throw Timeout(timeout, what);
            }

            await Task.Delay(poll).ConfigureAwait(false);
        }
    }

    private static TimeoutException Timeout(TimeSpan timeout, string what) =>
        new($"Timed out after {timeout.TotalSeconds:F1} s waiting for: {what}");
}
