using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MusicRecipes;

/// <summary>The one ActivitySource and Meter of MusicRecipes, and its instruments (docs/design.md §5).</summary>
internal static class MusicTelemetry
{
    public static readonly ActivitySource Source = new(MusicDiagnostics.Name, typeof(MusicTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(MusicDiagnostics.Name, typeof(MusicTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Acquisitions = Meter.CreateCounter<long>("music.lock.acquisitions", description: "Tickets that acquired their keys.");

    public static readonly Counter<long> ForcedReleases = Meter.CreateCounter<long>("music.lock.forced_releases", description: "Tickets removed by someone other than their owner.");

    public static readonly Counter<long> Syncs = Meter.CreateCounter<long>("music.lock.syncs", description: "Keys synchronised on acquire after an unclean release.");

    public static readonly Counter<long> Losses = Meter.CreateCounter<long>("music.lock.losses", description: "Held or waiting tickets that were lost.");

    public static readonly Histogram<double> LockWait = Meter.CreateHistogram<double>("music.lock.wait", unit: "ms", description: "Time from waiting for a ticket to holding it.");

    public static readonly Histogram<double> CriticalDuration = Meter.CreateHistogram<double>("music.critical.duration", unit: "ms", description: "Latency of critical get/put.");

}
