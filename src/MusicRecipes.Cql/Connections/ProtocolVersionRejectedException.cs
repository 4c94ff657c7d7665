namespace MusicRecipes.Cql.Connections;

/// <summary>The node refused the offered protocol version during STARTUP; the caller reconnects with a lower one.</summary>
internal sealed class ProtocolVersionRejectedException : CqlException
{
    public ProtocolVersionRejectedException(int offered, int serverVersion, string message)
        : base($"Protocol v{offered} refused: {message}")
    {
        Offered = offered;
        ServerVersion = serverVersion;
    }

    public int Offered { get; }

    /// <summary>The version byte of the server's answer without the response bit (3 from Cassandra 2.1).</summary>
    public int ServerVersion { get; }
}
