using System.Buffers.Binary;
using System.Text;

namespace MusicRecipes.Cql.Protocol;

/// <summary>
/// Builds a request frame: reserves the 9-byte header, appends body notations of the spec (§3), and patches
/// version, stream id and length when the connection sends it. All integers are big-endian.
/// </summary>
internal sealed class BodyWriter
{
    private byte[] _buffer;
    private int _length;

    public BodyWriter(int capacity = 256)
    {
        _buffer = new byte[Math.Max(capacity, Frame.HeaderLength + 16)];
        _length = Frame.HeaderLength;
    }

    public int BodyLength => _length - Frame.HeaderLength;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteShort(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), value);
        _length += 2;
    }

    public void WriteInt(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteLong(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>[string]: a [short] length then UTF-8.</summary>
    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        if (count > ushort.MaxValue)
        {
            throw new ArgumentException("A [string] is limited to 65535 UTF-8 bytes.", nameof(value));
        }

        WriteShort((ushort)count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>[long string]: an [int] length then UTF-8.</summary>
    public void WriteLongString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteInt(count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>[bytes]/[value]: an [int] length (-1 for null) then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value, bool isNull = false)
    {
        if (isNull)
        {
            WriteInt(-1);
            return;
        }

        WriteInt(value.Length);
        WriteRaw(value);
    }

    /// <summary>[value] "not set" (v4 only): leaves the column untouched.</summary>
    public void WriteUnset() => WriteInt(-2);

    /// <summary>[short bytes]: a [short] length then the bytes.</summary>
    public void WriteShortBytes(ReadOnlySpan<byte> value)
    {
        WriteShort(checked((ushort)value.Length));
        WriteRaw(value);
    }

    public void WriteStringMap(IReadOnlyDictionary<string, string> map)
    {
        WriteShort(checked((ushort)map.Count));
        foreach (var (key, value) in map)
        {
            WriteString(key);
            WriteString(value);
        }
    }

    public void WriteStringList(IReadOnlyList<string> list)
    {
        WriteShort(checked((ushort)list.Count));
        foreach (var item in list)
        {
            WriteString(item);
        }
    }

    /// <summary>Finishes the frame: header fields are filled in, the stream id later by the connection.</summary>
    public byte[] ToFrame(Opcode opcode, FrameFlags flags)
    {
        var frame = _buffer.AsSpan(0, _length).ToArray();
        frame[1] = (byte)flags;
        frame[4] = (byte)opcode;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), _length - Frame.HeaderLength);
        return frame;
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        var size = Math.Max(_buffer.Length * 2, _length + extra);
        Array.Resize(ref _buffer, size);
    }
}
