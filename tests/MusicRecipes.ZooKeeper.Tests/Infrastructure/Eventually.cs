using System.Diagnostics;

namespace MusicRecipes.ZooKeeper.Tests.Infrastructure;

/// <summary>Waits for a condition that an asynchronous event makes true.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:F1} s waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    public static async Task<T> Within<T>(Task<T> task, TimeSpan timeout, string what)
    {
        var finished = await Task.WhenAny(task, Task.Delay(timeout));
        Assert.True(finished == task, $"Timed out after {timeout.TotalSeconds:F1} s waiting for: {what}");
        return await task;
    }

    public static async Task Within(Task task, TimeSpan timeout, string what)
    {
        var finished = await Task.WhenAny(task, Task.Delay(timeout));
        Assert.True(finished == task, $"Timed out after {timeout.TotalSeconds:F1} s waiting for: {what}");
        await task;
    }
}
