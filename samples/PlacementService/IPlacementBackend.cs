using MusicRecipes;

namespace PlacementService;

/// <summary>Where the sites' MUSIC clients come from, and how the scenario injects its faults.</summary>
public interface IPlacementBackend : IAsyncDisposable
{
    /// <summary>A short description for the report.</summary>
    string Description { get; }

    /// <summary>What <see cref="CutOffAsync"/> really cuts, for the scenario's output.</summary>
    string CutOffEffect { get; }

    Task<IMusicClient> CreateClientAsync(int site);

    /// <summary>The client's process dies: no more calls, no heartbeats, its locks stay until its session expires.</summary>
    Task CrashAsync(IMusicClient client);

    Task CutOffAsync(int site);

    Task HealAsync(int site);
}
