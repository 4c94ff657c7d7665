using System.Buffers.Binary;
using System.Text;

namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>Reads Jute records from one received frame. Throws <see cref="InvalidDataException"/> on a short frame.</summary>
internal sealed class JuteReader
{
    private readonly byte[] _buffer;
    private int _position;

    public JuteReader(byte[] buffer, int position = 0)
    {
        _buffer = buffer;
        _position = position;
    }

    public int Remaining => _buffer.Length - _position;

    public int Position => _position;

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public bool ReadBool() => Take(1)[0] != 0;

    public string? ReadString()
    {
        var length = ReadInt();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public byte[]? ReadBuffer()
    {
        var length = ReadInt();
        return length < 0 ? null : Take(length).ToArray();
    }

    public IReadOnlyList<string> ReadStringVector()
    {
        var count = ReadInt();
        if (count <= 0)
        {
            return [];
        }

        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = ReadString() ?? string.Empty;
        }

        return values;
    }

    public ZooKeeperStat ReadStat() => new(
        Czxid: ReadLong(),
        Mzxid: ReadLong(),
        Ctime: ReadLong(),
        Mtime: ReadLong(),
        Version: ReadInt(),
        Cversion: ReadInt(),
        Aversion: ReadInt(),
        EphemeralOwner: ReadLong(),
        DataLength: ReadInt(),
        NumChildren: ReadInt(),
        Pzxid: ReadLong());

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _buffer.Length)
        {
            throw new InvalidDataException($"ZooKeeper frame ended early: needed {count} bytes at {_position} of {_buffer.Length}.");
        }

        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }
}
