using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace MusicRecipes.Cql.Protocol;

/// <summary>Reads the notations of the spec (§3) from a response body. Throws <see cref="CqlProtocolViolationException"/> on a short body.</summary>
internal sealed class BodyReader
{
    private readonly byte[] _body;
    private int _position;

    public BodyReader(byte[] body, int position = 0)
    {
        _body = body;
        _position = position;
    }

    public int Remaining => _body.Length - _position;

    public byte ReadByte()
    {
        Need(1);
        return _body[_position++];
    }

    public ushort ReadShort()
    {
        Need(2);
        var value = BinaryPrimitives.ReadUInt16BigEndian(_body.AsSpan(_position));
        _position += 2;
        return value;
    }

    public int ReadInt()
    {
        Need(4);
        var value = BinaryPrimitives.ReadInt32BigEndian(_body.AsSpan(_position));
        _position += 4;
        return value;
    }

    public long ReadLong()
    {
        Need(8);
        var value = BinaryPrimitives.ReadInt64BigEndian(_body.AsSpan(_position));
        _position += 8;
        return value;
    }

    public string ReadString()
    {
        int length = ReadShort();
        Need(length);
        var value = Encoding.UTF8.GetString(_body, _position, length);
        _position += length;
        return value;
    }

    public string ReadLongString()
    {
        var length = ReadInt();
        Need(length);
        var value = Encoding.UTF8.GetString(_body, _position, length);
        _position += length;
        return value;
    }

    /// <summary>[uuid]: 16 bytes in RFC 4122 (big-endian) order.</summary>
    public Guid ReadUuid()
    {
        Need(16);
        var value = new Guid(_body.AsSpan(_position, 16), bigEndian: true);
        _position += 16;
        return value;
    }

    /// <summary>[bytes]: null when the length is negative.</summary>
    public byte[]? ReadBytes()
    {
        var length = ReadInt();
        if (length < 0)
        {
            return null;
        }

        Need(length);
        var value = _body.AsSpan(_position, length).ToArray();
        _position += length;
        return value;
    }

    /// <summary>[bytes] without copying: the segment of the body, or null.</summary>
    public ArraySegment<byte>? ReadBytesSegment()
    {
        var length = ReadInt();
        if (length < 0)
        {
            return null;
        }

        Need(length);
        var value = new ArraySegment<byte>(_body, _position, length);
        _position += length;
        return value;
    }

    public byte[] ReadShortBytes()
    {
        int length = ReadShort();
        Need(length);
        var value = _body.AsSpan(_position, length).ToArray();
        _position += length;
        return value;
    }

    public IReadOnlyList<string> ReadStringList()
    {
        int count = ReadShort();
        var list = new string[count];
        for (var i = 0; i < count; i++)
        {
            list[i] = ReadString();
        }

        return list;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> ReadStringMultimap()
    {
        int count = ReadShort();
        var map = new Dictionary<string, IReadOnlyList<string>>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            map[ReadString()] = ReadStringList();
        }

        return map;
    }

    public IReadOnlyDictionary<string, byte[]?> ReadBytesMap()
    {
        int count = ReadShort();
        var map = new Dictionary<string, byte[]?>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            map[ReadString()] = ReadBytes();
        }

        return map;
    }

    /// <summary>[inet]: a size byte, the address, then an [int] port.</summary>
    public IPEndPoint ReadInet()
    {
        var size = ReadByte();
        Need(size);
        var address = new IPAddress(_body.AsSpan(_position, size));
        _position += size;
        return new IPEndPoint(address, ReadInt());
    }

    private void Need(int count)
    {
        if (count < 0 || _position + count > _body.Length)
        {
            throw new CqlProtocolViolationException($"Response body too short: needed {count} bytes at offset {_position} of {_body.Length}.");
        }
    }
}
