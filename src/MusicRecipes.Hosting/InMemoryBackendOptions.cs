namespace MusicRecipes.Hosting;

/// <summary>Settings of the embedded in-memory backend (section <c>Music:InMemory</c>).</summary>
/// <example>
/// <code>
/// // appsettings.json: { "Music": { "Backend": "InMemory", "InMemory": { "Sites": 3, "Site": 1 } } }
/// </code>
/// </example>
public sealed class InMemoryBackendOptions
{
    /// <summary>How many simulated sites the cluster has. Default 3.</summary>
    public int Sites { get; set; } = 3;

    /// <summary>The site this process's client is located at (0-based). Default 0.</summary>
    public int Site { get; set; }

    /// <summary>Lock-session timeout. Default 2 s.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a QUORUM operation waits for replicas. Default 1 s.</summary>
    public TimeSpan ReplicaTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Simulated round-trip time between sites. Default zero.</summary>
    public TimeSpan InterSiteLatency { get; set; }
}
