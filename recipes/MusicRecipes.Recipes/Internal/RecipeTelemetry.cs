using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MusicRecipes.Recipes.Internal;

/// <summary>
/// Span names, tags and instruments of the recipes. Their <see cref="ActivitySource"/> and <see cref="Meter"/> carry
/// Core's name (<see cref="MusicDiagnostics.Name"/>, docs/design.md §5) — listeners subscribe by name — so enabling
/// MusicRecipes once traces both the MUSIC operations and the recipe steps around them.
/// </summary>
internal static class RecipeTelemetry
{
    public static readonly ActivitySource Source = new(MusicDiagnostics.Name, typeof(RecipeTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(MusicDiagnostics.Name, typeof(RecipeTelemetry).Assembly.GetName().Version?.ToString());

    public const string RecipeTag = "music.recipe";
    public const string GroupTag = "music.group";
    public const string ParticipantTag = "music.participant";
    public const string FencingTag = "music.fencing_token";
    public const string OutcomeTag = "music.outcome";
    public const string QueueTag = "music.queue";
    public const string ItemTag = "music.item";
    public const string BarrierTag = "music.barrier";

    public static readonly Counter<long> LeaderTerms = Meter.CreateCounter<long>("music.recipe.leader.terms", description: "Leadership terms begun.");

    public static readonly Counter<long> Checkpoints = Meter.CreateCounter<long>("music.recipe.failover.checkpoints", description: "Checkpoints acknowledged by an active replica.");

    public static readonly Counter<long> QueueItems = Meter.CreateCounter<long>("music.recipe.queue.items", description: "Work-queue transitions (tag music.outcome: submitted, claimed, recovered, completed, released).");

    public static readonly Counter<long> QueueLockAttempts = Meter.CreateCounter<long>("music.recipe.queue.lock_attempts", description: "Work-queue item lock attempts (tag music.outcome: claimed; busy = another worker held it; settled = it was done or declined, found under the lock). Busy and settled attempts are lock-service requests spent for nothing.");

    public static readonly Histogram<double> MutexHold = Meter.CreateHistogram<double>("music.recipe.mutex.hold", unit: "ms", description: "How long critical sections were held.");

    /// <summary>Starts a recipe span with the recipe name and the client's site.</summary>
    public static Activity? Start(string name, string recipe, IMusicClient client)
    {
        var activity = Source.StartActivity(name);
        activity?.SetTag(RecipeTag, recipe);
        activity?.SetTag(MusicDiagnostics.SiteTag, client.Site);
        return activity;
    }

    /// <summary>Marks a span failed with the exception's type.</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity?.SetTag(OutcomeTag, "error");
    }
}
