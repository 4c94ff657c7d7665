namespace MusicRecipes.Cql.Protocol;

/// <summary>
/// A response frame as read off the wire: header fields and the raw body. Bodies are parsed by the caller,
/// never on the reader loop, so a slow parse cannot stall other streams.
/// </summary>
internal sealed class Frame
{
    /// <summary>The header is 9 bytes in v3 and v4: version, flags, stream (2), opcode, length (4).</summary>
    public const int HeaderLength = 9;

    /// <summary>Protocol limit on a body (256 MB).</summary>
    public const int MaxBodyLength = 256 * 1024 * 1024;

    public Frame(byte version, FrameFlags flags, short stream, Opcode opcode, byte[] body)
    {
        Version = version;
        Flags = flags;
        Stream = stream;
        Opcode = opcode;
        Body = body;
    }

    /// <summary>The version byte including the response bit (0x83 for a v3 response).</summary>
    public byte Version { get; }

    public FrameFlags Flags { get; }

    public short Stream { get; }

    public Opcode Opcode { get; }

    public byte[] Body { get; }
}
