using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Tests.Processes;
using MusicRecipes.Reliability.Tests.Run;

namespace MusicRecipes.Reliability.Tests.Nemesis;

/// <summary>
/// Faults of the client processes, aimed at a holder: the next worker to report a new hold (any worker if none does
/// within a second). <b>Pause</b>: SIGSTOP it — three times in four for longer than its session timeout, the classic
/// fencing scenario (its session expires on the servers while it cannot even look at a clock, another client takes
/// its lock, and it resumes believing nothing happened unless its library tells it) — then SIGCONT. <b>Kill</b>:
/// SIGKILL it (its session, and so its lock, lives on until the session times out) and start a new process in its role.
/// </summary>
internal sealed class ProcessFaults(WorkerFleet fleet, WorkerHistory history)
{
    /// <summary>
    /// Pauses the next worker that reports a new hold (a random one if none does within a second), so the freeze
    /// usually lands inside a critical section; <paramref name="longerThanSession"/> forces a pause beyond the
    /// session timeout. The target says whether the worker was still holding once frozen.
    /// </summary>
    public async Task<FaultResult?> PauseAsync(Random lane, bool longerThanSession)
    {
        var pause = longerThanSession || lane.Next(4) > 0
            ? ReliabilitySettings.SessionTimeout + TimeSpan.FromMilliseconds(lane.Next(500, 3000))
            : TimeSpan.FromMilliseconds(lane.Next(300, 2500));
        var worker = await NextHolderOrAnyAsync(lane);
        if (worker is null)
        {
            return null;
        }

        worker.Pause();
        bool holding;
        try
        {
            // Reports it wrote before the freeze may still be in the pipe: read them before asking whether it holds.
            await Task.Delay(100);
            holding = history.IsHolding(worker.Name);
            await Task.Delay(pause - TimeSpan.FromMilliseconds(100));
        }
        finally
        {
            worker.Resume();
        }

        return FaultResult.Repaired(worker.Name + (holding ? " (holding)" : string.Empty));
    }

    /// <summary>
    /// Kills the next worker that reports a new hold (a random one if none does within a second), so its lock must
    /// go with its session; after 0.5-2 s starts its replacement.
    /// </summary>
    public async Task<FaultResult?> KillAsync(Random lane)
    {
        var worker = await NextHolderOrAnyAsync(lane);
        if (worker is null)
        {
            return null;
        }

        await fleet.KillAsync(worker);
        await Task.Delay(lane.Next(500, 2000));
        try
        {
            await fleet.ReplaceAsync(worker);
        }
        catch (InvalidOperationException ex)
        {
            return new FaultResult(worker.Name, "its replacement did not start: " + ex.Message);
        }

        return FaultResult.Repaired(worker.Name);
    }

    private async Task<WorkerProcess?> NextHolderOrAnyAsync(Random lane)
    {
        var holder = await history.NextHolderAsync(TimeSpan.FromSeconds(1));
        var live = fleet.Live;
        return live.FirstOrDefault(w => w.Name == holder) ?? (live.Count == 0 ? null : live[lane.Next(live.Count)]);
    }
}
