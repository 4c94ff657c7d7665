namespace MusicRecipes.Hosting;

/// <summary>
/// Reports the CQL session's nodes to the MUSIC health check. An adapter, not the connection itself: registering the
/// connection a second time would make the container dispose the session twice, the first time early (before the
/// client that still uses it).
/// </summary>
internal sealed class CassandraHealthProbe(CassandraConnection connection) : IMusicBackendProbe
{
    public void Describe(IDictionary<string, object> data) => connection.Describe(data);

    public string? Degradation() => connection.Degradation();
}
