namespace MusicRecipes.Hosting;

/// <summary>
/// For backend packages: what a backend connection tells the MUSIC health check beyond the client's own probe. Register
/// implementations as <c>IMusicBackendProbe</c> singletons; never register a disposable connection itself a second time
/// under this interface (the container would dispose it twice), register a small adapter over it instead.
/// </summary>
/// <example>
/// <code>
/// services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IMusicBackendProbe, MyBackendProbe&gt;());
/// </code>
/// </example>
public interface IMusicBackendProbe
{
    /// <summary>Adds details (nodes, servers, session ids) to the health report's data; nothing before the backend was used.</summary>
    /// <param name="data">The health report's data. Never add secrets.</param>
    void Describe(IDictionary<string, object> data);

    /// <summary>Why the backend is degraded though it still answers, or <c>null</c>.</summary>
    string? Degradation();
}
