using System.Buffers.Binary;
using System.Collections;
using System.Net;
using System.Numerics;
using System.Text;
using MusicRecipes.Cql.Protocol;

namespace MusicRecipes.Cql;

/// <summary>
/// Serialises .NET values to CQL [value] bytes and back. Traps handled here: a CQL uuid is big-endian RFC 4122
/// while <see cref="Guid"/>'s own byte layout is mixed-endian; varint is a minimal big-endian two's complement;
/// timestamp is milliseconds (not the microseconds of write timestamps); collections in v3+ use [int] counts
/// and lengths.
/// </summary>
internal static class CqlValueCodec
{
    private static readonly DateTimeOffset UnixEpoch = DateTimeOffset.UnixEpoch;

    /// <summary>Encodes <paramref name="value"/>; with <paramref name="type"/> (from prepared metadata) it converts to that type.</summary>
    public static byte[] Encode(object value, CqlType? type)
    {
        if (type is not null)
        {
            return EncodeAs(value, type);
        }

        return value switch
        {
            string s => Encoding.UTF8.GetBytes(s),
            byte[] b => b,
            ArraySegment<byte> segment => segment.ToArray(),
            ReadOnlyMemory<byte> memory => memory.ToArray(),
            long l => Int64(l),
            int i => Int32(i),
            short s => Int16(s),
            sbyte sb => new[] { (byte)sb },
            bool b => new[] { b ? (byte)1 : (byte)0 },
            double d => Int64(BitConverter.DoubleToInt64Bits(d)),
            float f => Int32(BitConverter.SingleToInt32Bits(f)),
            decimal m => Decimal(m),
            BigInteger big => big.ToByteArray(isUnsigned: false, isBigEndian: true),
            Guid g => Uuid(g),
            DateTimeOffset dto => Int64(dto.ToUnixTimeMilliseconds()),
            DateTime dt => Int64(ToOffset(dt).ToUnixTimeMilliseconds()),
            DateOnly date => Date(date),
            TimeSpan time => Int64(time.Ticks * 100),
            IPAddress address => address.GetAddressBytes(),
            IDictionary map => Map(map, null, null),
            IEnumerable items => Collection(items, null),
            _ => throw new ArgumentException($"Values of type {value.GetType()} cannot be sent to Cassandra.", nameof(value)),
        };
    }

    /// <summary>Decodes a non-null [value] of <paramref name="type"/>.</summary>
    public static object Decode(CqlType type, ReadOnlySpan<byte> bytes)
    {
        switch (type.Code)
        {
            case CqlTypeCode.Ascii:
            case CqlTypeCode.Varchar:
                return Encoding.UTF8.GetString(bytes);
            case CqlTypeCode.Blob:
            case CqlTypeCode.Custom:
                return bytes.ToArray();
            case CqlTypeCode.Bigint:
            case CqlTypeCode.Counter:
                return BinaryPrimitives.ReadInt64BigEndian(Exactly(bytes, 8, type));
            case CqlTypeCode.Int:
                return BinaryPrimitives.ReadInt32BigEndian(Exactly(bytes, 4, type));
            case CqlTypeCode.Smallint:
                return BinaryPrimitives.ReadInt16BigEndian(Exactly(bytes, 2, type));
            case CqlTypeCode.Tinyint:
                return (sbyte)Exactly(bytes, 1, type)[0];
            case CqlTypeCode.Boolean:
                return Exactly(bytes, 1, type)[0] != 0;
            case CqlTypeCode.Double:
                return BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(Exactly(bytes, 8, type)));
            case CqlTypeCode.Float:
                return BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32BigEndian(Exactly(bytes, 4, type)));
            case CqlTypeCode.Timestamp:
                return UnixEpoch.AddMilliseconds(BinaryPrimitives.ReadInt64BigEndian(Exactly(bytes, 8, type)));
            case CqlTypeCode.Uuid:
            case CqlTypeCode.Timeuuid:
                return new Guid(Exactly(bytes, 16, type), bigEndian: true);
            case CqlTypeCode.Varint:
                return new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
            case CqlTypeCode.Decimal:
                return DecodeDecimal(bytes, type);
            case CqlTypeCode.Inet:
                return new IPAddress(bytes);
            case CqlTypeCode.Date:
                var days = (long)BinaryPrimitives.ReadUInt32BigEndian(Exactly(bytes, 4, type)) - (1L << 31);
                return DateOnly.FromDayNumber(checked((int)(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + days)));
            case CqlTypeCode.Time:
                return TimeSpan.FromTicks(BinaryPrimitives.ReadInt64BigEndian(Exactly(bytes, 8, type)) / 100);
            case CqlTypeCode.List:
                return DecodeList(type.Arguments[0], bytes);
            case CqlTypeCode.Set:
                return new HashSet<object?>(DecodeList(type.Arguments[0], bytes));
            case CqlTypeCode.Map:
                return DecodeMap(type, bytes);
            case CqlTypeCode.Tuple:
                return DecodeFields(type, bytes);
            case CqlTypeCode.Udt:
                var fields = DecodeFields(type, bytes);
                var udt = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < type.FieldNames!.Count; i++)
                {
                    udt[type.FieldNames[i]] = i < fields.Length ? fields[i] : null;
                }

                return udt;
            default:
                throw new CqlProtocolViolationException($"Cannot decode type {type}.");
        }
    }

    private static byte[] EncodeAs(object value, CqlType type)
    {
        switch (type.Code)
        {
            case CqlTypeCode.Ascii:
            case CqlTypeCode.Varchar:
                return Encoding.UTF8.GetBytes(value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
            case CqlTypeCode.Bigint:
            case CqlTypeCode.Counter:
                return Int64(value is DateTimeOffset ts ? ts.ToUnixTimeMilliseconds() : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            case CqlTypeCode.Int:
                return Int32(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));
            case CqlTypeCode.Smallint:
                return Int16(Convert.ToInt16(value, System.Globalization.CultureInfo.InvariantCulture));
            case CqlTypeCode.Tinyint:
                return new[] { (byte)Convert.ToSByte(value, System.Globalization.CultureInfo.InvariantCulture) };
            case CqlTypeCode.Double:
                return Int64(BitConverter.DoubleToInt64Bits(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)));
            case CqlTypeCode.Float:
                return Int32(BitConverter.SingleToInt32Bits(Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture)));
            case CqlTypeCode.Decimal:
                return Decimal(Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture));
            case CqlTypeCode.Varint:
                return (value is BigInteger big ? big : new BigInteger(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)))
                    .ToByteArray(isUnsigned: false, isBigEndian: true);
            case CqlTypeCode.Timestamp:
                return value switch
                {
                    DateTimeOffset dto => Int64(dto.ToUnixTimeMilliseconds()),
                    DateTime dt => Int64(ToOffset(dt).ToUnixTimeMilliseconds()),
                    _ => Int64(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
                };
            case CqlTypeCode.Uuid:
            case CqlTypeCode.Timeuuid:
                return Uuid(value is string text ? Guid.Parse(text) : (Guid)value);
            case CqlTypeCode.List:
            case CqlTypeCode.Set:
                return Collection((IEnumerable)value, type.Arguments[0]);
            case CqlTypeCode.Map:
                return Map((IDictionary)value, type.Arguments[0], type.Arguments[1]);
            default:
                return Encode(value, null);
        }
    }

    private static byte[] Collection(IEnumerable items, CqlType? elementType)
    {
        var writer = new BodyWriter();
        var count = 0;
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, "collection element");
            writer.WriteBytes(Encode(item, elementType));
            count++;
        }

        return Prefixed(count, writer);
    }

    private static byte[] Map(IDictionary map, CqlType? keyType, CqlType? valueType)
    {
        var writer = new BodyWriter();
        foreach (DictionaryEntry entry in map)
        {
            writer.WriteBytes(Encode(entry.Key, keyType));
            if (entry.Value is null)
            {
                throw new ArgumentException("Cassandra map values cannot be null.", nameof(map));
            }

            writer.WriteBytes(Encode(entry.Value, valueType));
        }

        return Prefixed(map.Count, writer);
    }

    private static byte[] Prefixed(int count, BodyWriter items)
    {
        // The writer reserves a frame header; reuse it: the [int] count goes right before the items.
        var frame = items.ToFrame(Opcode.Query, FrameFlags.None);
        var result = new byte[4 + items.BodyLength];
        BinaryPrimitives.WriteInt32BigEndian(result, count);
        frame.AsSpan(Frame.HeaderLength).CopyTo(result.AsSpan(4));
        return result;
    }

    private static List<object?> DecodeList(CqlType elementType, ReadOnlySpan<byte> bytes)
    {
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes);
        var position = 4;
        var list = new List<object?>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadElement(elementType, bytes, ref position));
        }

        return list;
    }

    private static Dictionary<object, object?> DecodeMap(CqlType type, ReadOnlySpan<byte> bytes)
    {
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes);
        var position = 4;
        var map = new Dictionary<object, object?>(count);
        for (var i = 0; i < count; i++)
        {
            var key = ReadElement(type.Arguments[0], bytes, ref position)
                ?? throw new CqlProtocolViolationException("A map key was null.");
            map[key] = ReadElement(type.Arguments[1], bytes, ref position);
        }

        return map;
    }

    private static object?[] DecodeFields(CqlType type, ReadOnlySpan<byte> bytes)
    {
        var values = new object?[type.Arguments.Count];
        var position = 0;
        for (var i = 0; i < values.Length && position < bytes.Length; i++)
        {
            values[i] = ReadElement(type.Arguments[i], bytes, ref position);
        }

        return values;
    }

    private static object? ReadElement(CqlType type, ReadOnlySpan<byte> bytes, ref int position)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(bytes[position..]);
        position += 4;
        if (length < 0)
        {
            return null;
        }

        var value = Decode(type, bytes.Slice(position, length));
        position += length;
        return value;
    }

    private static decimal DecodeDecimal(ReadOnlySpan<byte> bytes, CqlType type)
    {
        var scale = BinaryPrimitives.ReadInt32BigEndian(bytes);
        var unscaled = new BigInteger(bytes[4..], isUnsigned: false, isBigEndian: true);
        if (scale is < 0 or > 28)
        {
            throw new OverflowException($"A {type} with scale {scale} does not fit System.Decimal.");
        }

        var magnitude = BigInteger.Abs(unscaled);
        if (magnitude.GetBitLength() > 96)
        {
            throw new OverflowException($"A {type} value has more than 96 bits of digits and does not fit System.Decimal.");
        }

        var mask = new BigInteger(uint.MaxValue);
        return new decimal(
            (int)(uint)(magnitude & mask),
            (int)(uint)((magnitude >> 32) & mask),
            (int)(uint)((magnitude >> 64) & mask),
            unscaled.Sign < 0,
            (byte)scale);
    }

    private static byte[] Decimal(decimal value)
    {
        // decimal is a 96-bit magnitude, a sign and a power-of-ten scale: exactly CQL's unscaled varint and scale.
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var unscaled = (new BigInteger((uint)bits[2]) << 64) | (new BigInteger((uint)bits[1]) << 32) | new BigInteger((uint)bits[0]);
        if (bits[3] < 0)
        {
            unscaled = -unscaled;
        }

        var varint = unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
        var result = new byte[4 + varint.Length];
        BinaryPrimitives.WriteInt32BigEndian(result, scale);
        varint.CopyTo(result, 4);
        return result;
    }

    private static byte[] Date(DateOnly date)
    {
        var days = (long)date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (1L << 31);
        var result = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(result, checked((uint)days));
        return result;
    }

    private static byte[] Uuid(Guid value)
    {
        var result = new byte[16];
        value.TryWriteBytes(result, bigEndian: true, out _);
        return result;
    }

    private static byte[] Int64(long value)
    {
        var result = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(result, value);
        return result;
    }

    private static byte[] Int32(int value)
    {
        var result = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(result, value);
        return result;
    }

    private static byte[] Int16(short value)
    {
        var result = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(result, value);
        return result;
    }

    private static DateTimeOffset ToOffset(DateTime value) =>
        value.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(value, TimeSpan.Zero) : new DateTimeOffset(value.ToUniversalTime());

    private static ReadOnlySpan<byte> Exactly(ReadOnlySpan<byte> bytes, int length, CqlType type) =>
        bytes.Length == length ? bytes : throw new CqlProtocolViolationException($"A {type} value has {bytes.Length} bytes, expected {length}.");
}
