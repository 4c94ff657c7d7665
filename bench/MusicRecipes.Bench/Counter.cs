using System.Buffers.Binary;

namespace MusicRecipes.Bench;

/// <summary>The value every read-modify-write increments: a 64-bit counter, so a lost update shows in the final value.</summary>
internal static class Counter
{
    public static long Decode(byte[]? value) => value is { Length: 8 } ? BinaryPrimitives.ReadInt64LittleEndian(value) : 0;

    public static byte[] Encode(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }
}
