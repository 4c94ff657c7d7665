namespace MusicRecipes.Cql;

/// <summary>Type option ids of column metadata (native protocol §4.2.5.2).</summary>
public enum CqlTypeCode : ushort
{
    /// <summary>A server-side custom type, named by its Java class.</summary>
    Custom = 0x0000,

    /// <summary>US-ASCII text (string).</summary>
    Ascii = 0x0001,

    /// <summary>64-bit signed integer (long).</summary>
    Bigint = 0x0002,

    /// <summary>Bytes (byte[]).</summary>
    Blob = 0x0003,

    /// <summary>bool.</summary>
    Boolean = 0x0004,

    /// <summary>Counter column (long).</summary>
    Counter = 0x0005,

    /// <summary>Arbitrary-precision decimal (decimal).</summary>
    Decimal = 0x0006,

    /// <summary>double.</summary>
    Double = 0x0007,

    /// <summary>float.</summary>
    Float = 0x0008,

    /// <summary>32-bit signed integer (int).</summary>
    Int = 0x0009,

    /// <summary>Milliseconds since the Unix epoch (DateTimeOffset).</summary>
    Timestamp = 0x000B,

    /// <summary>RFC 4122 UUID (Guid).</summary>
    Uuid = 0x000C,

    /// <summary>UTF-8 text (string).</summary>
    Varchar = 0x000D,

    /// <summary>Arbitrary-precision integer (BigInteger).</summary>
    Varint = 0x000E,

    /// <summary>Version-1 UUID (Guid).</summary>
    Timeuuid = 0x000F,

    /// <summary>IP address (IPAddress).</summary>
    Inet = 0x0010,

    /// <summary>(v4) Days since the epoch (DateOnly).</summary>
    Date = 0x0011,

    /// <summary>(v4) Nanoseconds since midnight (TimeSpan).</summary>
    Time = 0x0012,

    /// <summary>(v4) 16-bit integer (short).</summary>
    Smallint = 0x0013,

    /// <summary>(v4) 8-bit integer (sbyte).</summary>
    Tinyint = 0x0014,

    /// <summary>list&lt;T&gt; (List&lt;object?&gt;).</summary>
    List = 0x0020,

    /// <summary>map&lt;K,V&gt; (Dictionary&lt;object, object?&gt;).</summary>
    Map = 0x0021,

    /// <summary>set&lt;T&gt; (HashSet&lt;object?&gt;).</summary>
    Set = 0x0022,

    /// <summary>User-defined type (Dictionary&lt;string, object?&gt; of fields).</summary>
    Udt = 0x0030,

    /// <summary>Tuple (object?[]).</summary>
    Tuple = 0x0031,
}
