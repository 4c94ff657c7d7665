namespace MusicRecipes.Hosting;

/// <summary>What a backend connection tells the health check beyond the client's own probe.</summary>
internal interface IMusicBackendProbe
{
    /// <summary>Adds details (nodes, servers, session ids) to the health report's data; nothing before the backend was used.</summary>
    void Describe(IDictionary<string, object> data);

    /// <summary>Why the backend is degraded though it still answers, or <c>null</c>.</summary>
    string? Degradation();
}
