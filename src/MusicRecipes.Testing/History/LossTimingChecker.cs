using System.Diagnostics;
using System.Globalization;

namespace MusicRecipes.Testing.History;

/// <summary>
/// Checks the promise "a holder is told of its loss no later than the moment any other client can acquire"
/// (rule 6 of docs/design.md, kept by a client-side session lease): for each key, holds in fencing order, a hold whose successor's
/// acquire <b>returned</b> before the hold's <see cref="HoldTimeline.ToldAt"/> is a violation, and so is any
/// <c>IsHeld == true</c> the holder read after that return.
/// </summary>
/// <remarks>
/// <para>A paused process cannot run a timer, so "told" is not when a callback ran but the moment from which every look
/// by the holder says "lost" (<c>LockRef.LostAt</c>). For a clean release it is the release's invocation, for a killed
/// process its death.</para>
/// <para>The comparisons are conservative (the successor's acquire <i>returned</i> earlier, an observation was
/// <i>begun</i> later), so a reported violation is real. Holds whose holder was removed at once by a third party
/// while its successor acquired (<see cref="InstantRemoval"/>) are exempt: no lease can warn of that.</para>
/// </remarks>
/// <example>
/// <code>
/// var report = LossTimingChecker.Check(timelines, nemesisSessionExpiries);
/// Assert.Empty(report.Violations);
/// </code>
/// </example>
public static class LossTimingChecker
{
    /// <summary>Checks <paramref name="holds"/>, exempting holds removed by one of <paramref name="removals"/>.</summary>
    public static LossTimingReport Check(IEnumerable<HoldTimeline> holds, IEnumerable<InstantRemoval> removals)
    {
        ArgumentNullException.ThrowIfNull(holds);
        ArgumentNullException.ThrowIfNull(removals);
        var all = holds.ToList();
        var removalsOf = removals.ToLookup(r => r.Client, StringComparer.Ordinal);
        var violations = new List<string>();
        int checkedHolds = 0, exempt = 0;
        long? minimumMargin = null;
        foreach (var key in all.GroupBy(h => h.Key, StringComparer.Ordinal))
        {
            var ordered = key.OrderBy(h => h.Ordinal).ToArray();
            var successors = EarliestSuccessors(ordered);
            for (var i = 0; i < ordered.Length; i++)
            {
                if (successors[i] is not { } successor)
                {
                    continue;
                }

                checkedHolds++;
                var hold = ordered[i];
                var toldLate = hold.ToldAt is not { } told || told > successor.AcquireReturnedAt;
                var seenHeldLate = hold.HeldObservedAt.Where(t => t > successor.AcquireReturnedAt).ToList();
                if (!toldLate && seenHeldLate.Count == 0)
                {
                    // The margin measures the lease's warning: a hold a third party removed at once (a forced session
                    // expiry) was told by that removal's notice, not by its lease, so it says nothing about the lease.
                    if (hold.EndedByLoss && !RemovedMeanwhile(hold, successor, removalsOf[hold.Client]))
                    {
                        var margin = successor.AcquireReturnedAt - hold.ToldAt!.Value;
                        minimumMargin = minimumMargin is { } m ? Math.Min(m, margin) : margin;
                    }

                    continue;
                }

                if (RemovedMeanwhile(hold, successor, removalsOf[hold.Client]))
                {
                    exempt++;
                    continue;
                }

                if (toldLate)
                {
                    violations.Add(ToldLate(hold, successor));
                }

                if (seenHeldLate.Count > 0)
                {
                    violations.Add(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{key.Key}: {hold.Client}#{hold.Ordinal} saw IsHeld == true {seenHeldLate.Count} time(s), the last {Millis(seenHeldLate.Max() - successor.AcquireReturnedAt)} after {successor.Client}#{successor.Ordinal} had acquired"));
                }
            }
        }

        var endedByLoss = all.Where(h => h.EndedByLoss)
            .GroupBy(h => h.LossReason ?? "unknown", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new LossTimingReport(violations, checkedHolds, endedByLoss, exempt, minimumMargin is { } min ? Stopwatch.GetElapsedTime(0, min) : null);
    }

    /// <summary>For each hold, the hold among the later ordinals whose acquire returned first (<c>null</c> for the last).</summary>
    private static HoldTimeline?[] EarliestSuccessors(HoldTimeline[] ordered)
    {
        var earliest = new HoldTimeline?[ordered.Length];
        for (var i = ordered.Length - 2; i >= 0; i--)
        {
            var next = ordered[i + 1];
            earliest[i] = earliest[i + 1] is { } later && later.AcquireReturnedAt < next.AcquireReturnedAt ? later : next;
        }

        return earliest;
    }

    /// <summary>True when a removal of the holder was under way at some moment between its acquire and the successor's return.</summary>
    private static bool RemovedMeanwhile(HoldTimeline hold, HoldTimeline successor, IEnumerable<InstantRemoval> removals) =>
        removals.Any(r => r.StartedAt < successor.AcquireReturnedAt && r.EndedAt > hold.AcquireInvokedAt);

    private static string ToldLate(HoldTimeline hold, HoldTimeline successor)
    {
        var how = hold.ToldAt switch
        {
            null => "was never told its hold ended",
            _ when hold.EndedByLoss => $"was told of its loss ({hold.LossReason}) {Millis(hold.ToldAt.Value - successor.AcquireReturnedAt)} after",
            _ when hold.ToldAt == hold.ReleaseInvokedAt => $"began its release {Millis(hold.ToldAt.Value - successor.AcquireReturnedAt)} after",
            _ => $"died {Millis(hold.ToldAt.Value - successor.AcquireReturnedAt)} after",
        };
        return $"{hold.Key}: {hold.Client}#{hold.Ordinal} {how} {successor.Client}#{successor.Ordinal} had acquired";
    }

    private static string Millis(long ticks) =>
        string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds:F0} ms");
}
