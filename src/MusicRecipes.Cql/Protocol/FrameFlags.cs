namespace MusicRecipes.Cql.Protocol;

/// <summary>Header flags of a frame.</summary>
[Flags]
internal enum FrameFlags : byte
{
    None = 0,
    Compression = 0x01,
    Tracing = 0x02,
    CustomPayload = 0x04,
    Warning = 0x08,
}
