using System.ComponentModel.DataAnnotations;
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
    [Range(1, 1000, ErrorMessage = "Music:InMemory:Sites must be between {1} and {2}.")]
    public int Sites { get; set; } = 3;

    /// <summary>The site this process's client is located at (0-based). Default 0.</summary>
    [Range(0, 999, ErrorMessage = "Music:InMemory:Site must be between {1} and {2} (and below Music:InMemory:Sites).")]
    public int Site { get; set; }

    /// <summary>Lock-session timeout. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "10675199.02:48:05.4775807", ErrorMessage = "Music:InMemory:SessionTimeout must be positive.")]
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a QUORUM operation waits for replicas. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "10675199.02:48:05.4775807", ErrorMessage = "Music:InMemory:ReplicaTimeout must be positive.")]
    public TimeSpan ReplicaTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Simulated round-trip time between sites. Default zero.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "10675199.02:48:05.4775807", ErrorMessage = "Music:InMemory:InterSiteLatency must not be negative.")]
    public TimeSpan InterSiteLatency { get; set; }
}
