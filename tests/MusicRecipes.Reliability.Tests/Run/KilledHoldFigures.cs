using System.Diagnostics;
using System.Globalization;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>
/// What became of the holds whose process was killed while holding: a killed holder cannot release, so its lock
/// must go when its session expires (the session timeout after its last heartbeat) and the next client get the key.
/// </summary>
/// <param name="Holds">Holds open when their process was killed.</param>
/// <param name="TakenOver">Of those, how many a later ticket acquired before the run ended.</param>
/// <param name="LongestWait">The longest time from a kill to the next acquire of the key.</param>
internal sealed record KilledHoldFigures(int Holds, int TakenOver, TimeSpan? LongestWait)
{
    public static KilledHoldFigures Of(IReadOnlyList<HoldTimeline> timelines)
    {
        var killed = timelines.Where(t => t.HolderDiedAt is not null).ToList();
        var waits = killed
            .Select(k => timelines
                .Where(t => t.Key == k.Key && t.Ordinal > k.Ordinal && t.AcquireReturnedAt > k.HolderDiedAt)
                .Select(t => (long?)(t.AcquireReturnedAt - k.HolderDiedAt!.Value))
                .Min())
            .Where(w => w is not null)
            .Select(w => Stopwatch.GetElapsedTime(0, w!.Value))
            .ToList();
        return new KilledHoldFigures(killed.Count, waits.Count, waits.Count == 0 ? null : waits.Max());
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Holds} hold(s) open when their process was killed, {TakenOver} taken over by the next ticket, longest wait {(LongestWait is { } w ? $"{w.TotalSeconds:F1} s" : "n/a")}");
}
