namespace MusicRecipes.Reliability.Worker.Workloads;

/// <summary>
/// Releases with retries, so the history records when a release was confirmed: a release fails while the site is
/// cut off or ZooKeeper elects a leader. Gives up after ~3 s; the client keeps removing the ticket in the background
/// after that (a guaranteed release, <see cref="IMusicStore.ReleaseLockAsync"/>), so the key is not left taken.
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
