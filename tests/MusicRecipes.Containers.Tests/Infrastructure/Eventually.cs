using System.Diagnostics;

namespace MusicRecipes.Containers.Tests.Infrastructure;

/// <summary>Polls for a condition that a partition, an election or gossip makes true in its own time.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:F0} s waiting for: {what}");
            }

            await Task.Delay(200);
        }
    }
}
