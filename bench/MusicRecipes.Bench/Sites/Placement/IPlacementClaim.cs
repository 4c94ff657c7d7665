namespace MusicRecipes.Bench;

/// <summary>A template a worker holds: it places it, then completes it (exactly once across all workers).</summary>
internal interface IPlacementClaim : IAsyncDisposable
{
    string Item { get; }

    string Payload { get; }

    /// <summary>A number that orders the claims of one item (0 where the variant has none).</summary>
    long Fencing { get; }

    /// <summary>Marks the item done; throws when that cannot be confirmed.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
