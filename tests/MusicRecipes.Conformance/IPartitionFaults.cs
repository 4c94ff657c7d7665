namespace MusicRecipes.Conformance;

/// <summary>A backend whose sites can be cut off from each other and healed.</summary>
public interface IPartitionFaults
{
    /// <summary>Cuts <paramref name="site"/> off from the others (its clients lose quorum and the lock service).</summary>
    Task CutOffAsync(int site);

    /// <summary>Heals the cut.</summary>
    Task HealAsync(int site);
}
