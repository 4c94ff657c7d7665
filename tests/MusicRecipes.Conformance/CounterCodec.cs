using System.Buffers.Binary;

namespace MusicRecipes.Conformance;

/// <summary>Counters stored as 8-byte big-endian values.</summary>
public static class CounterCodec
{
    /// <summary>Encodes a counter.</summary>
    public static byte[] Encode(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>Decodes a counter; a missing value is 0.</summary>
    public static long Decode(byte[]? bytes) => bytes is null ? 0 : BinaryPrimitives.ReadInt64BigEndian(bytes);
}
