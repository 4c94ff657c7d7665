namespace MusicRecipes.Reliability.Tests.Workloads;

/// <summary>
/// Releases with retries: a release fails while the site is cut off, and a ticket left queued blocks the key until
/// the session ends. Gives up after ~3 s (the 4 s session timeout then frees the key at the latest).
/// </summary>
internal static class Releaser
{
    public static async Task<bool> ReleaseAsync(Func<Task> release)
    {
        for (var attempt = 0; attempt < 15; attempt++)
        {
            try
            {
                await release();
                return true;
            }
            catch (Exception ex) when (Outcomes.IsExpected(ex))
            {
                await Task.Delay(200);
            }
        }

        return false;
    }
}
