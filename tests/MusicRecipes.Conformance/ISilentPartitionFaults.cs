namespace MusicRecipes.Conformance;

/// <summary>
/// A backend whose sites can be partitioned silently: the site's connections to the lock service stay open but
/// nothing gets through either way, so each end learns of the partition only from its own timeouts — the hard case
/// for telling a holder of its loss before anyone else can acquire (rule 6 of docs/design.md).
/// </summary>
public interface ISilentPartitionFaults
{
    /// <summary>Stalls every link of <paramref name="site"/> (lock service and replicas of other sites).</summary>
    Task StallAsync(int site);

    /// <summary>Ends the stall; what was held back is delivered.</summary>
    Task EndStallAsync(int site);
}
