namespace MusicRecipes.Bench;

/// <summary>
/// One way of running the placement service of the MUSIC talk: producers at every site submit templates, workers at
/// every site claim, place and complete them, each template exactly once. Producer s is at site s; worker w at site
/// w mod the number of sites.
/// </summary>
internal interface IPlacementVariant : IAsyncDisposable
{
    /// <summary>Short name used in tables.</summary>
    string Name { get; }

    /// <summary>Gets producers and workers ready (sessions, registrations, nodes) before anything is measured.</summary>
    Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Submits <paramref name="payload"/> at <paramref name="site"/> and returns the item's id once accepted; throws otherwise.</summary>
    Task<string> SubmitAsync(int site, string payload, CancellationToken cancellationToken);

    /// <summary>One discovery round of worker <paramref name="worker"/>: a claim it now holds, or <c>null</c> when nothing is claimable.</summary>
    Task<IPlacementClaim?> TryClaimAsync(int worker, CancellationToken cancellationToken);

    /// <summary>What worker <paramref name="worker"/> does after a round found nothing: wait for a notification, or back off.</summary>
    Task IdleAsync(int worker, int emptyRounds, CancellationToken cancellationToken);

    /// <summary>Whether item <paramref name="item"/> is done, read strongly (after the run, for the exactly-once check).</summary>
    Task<bool> IsDoneAsync(string item, CancellationToken cancellationToken);
}
