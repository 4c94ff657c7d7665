namespace MusicRecipes.ZooKeeper;

/// <summary>
/// A request is larger than <see cref="ZooKeeperClientOptions.MaxPacketSize"/> (the server's <c>jute.maxbuffer</c>).
/// It was rejected by the client and nothing was sent: a server would drop the whole connection instead.
/// </summary>
/// <example>
/// <code>
/// try { await client.SetDataAsync("/big", hugeValue, -1, ct); }
/// catch (PacketTooLargeException e) { logger.LogWarning("{Size} &gt; {Limit}", e.Size, e.Limit); }
/// </code>
/// </example>
public sealed class PacketTooLargeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public PacketTooLargeException(string? path, int size, int limit)
        : base($"The ZooKeeper request for {path ?? "(no path)"} would be {size} bytes; the packet limit (jute.maxbuffer) is {limit} bytes. Nothing was sent.")
    {
        Path = path;
        Size = size;
        Limit = limit;
    }

    /// <summary>The path of the rejected request.</summary>
    public string? Path { get; }

    /// <summary>The size the request would have had, in bytes.</summary>
    public int Size { get; }

    /// <summary>The limit, in bytes.</summary>
    public int Limit { get; }
}
