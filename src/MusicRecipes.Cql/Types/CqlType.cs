using MusicRecipes.Cql.Protocol;

namespace MusicRecipes.Cql;

/// <summary>A column or bind-marker type as described by the server.</summary>
/// <param name="Code">The type id.</param>
/// <param name="Arguments">Element type of a list or set; key and value types of a map; component types of a tuple or UDT.</param>
/// <param name="Name">Custom type class, or the UDT's keyspace-qualified name.</param>
/// <param name="FieldNames">UDT field names, aligned with <paramref name="Arguments"/>.</param>
public sealed record CqlType(CqlTypeCode Code, IReadOnlyList<CqlType> Arguments, string? Name = null, IReadOnlyList<string>? FieldNames = null)
{
    /// <summary>A type without arguments.</summary>
    public static CqlType Of(CqlTypeCode code) => new(code, Array.Empty<CqlType>());

    /// <inheritdoc />
    public override string ToString() => Code switch
    {
        CqlTypeCode.List or CqlTypeCode.Set or CqlTypeCode.Map or CqlTypeCode.Tuple =>
            $"{Code.ToString().ToLowerInvariant()}<{string.Join(", ", Arguments)}>",
        CqlTypeCode.Custom or CqlTypeCode.Udt => Name ?? Code.ToString(),
        _ => Code.ToString().ToLowerInvariant(),
    };

    /// <summary>Reads an [option] type description.</summary>
    internal static CqlType Read(BodyReader reader)
    {
        var code = (CqlTypeCode)reader.ReadShort();
        switch (code)
        {
            case CqlTypeCode.Custom:
                return new CqlType(code, Array.Empty<CqlType>(), reader.ReadString());
            case CqlTypeCode.List:
            case CqlTypeCode.Set:
                return new CqlType(code, new[] { Read(reader) });
            case CqlTypeCode.Map:
                var key = Read(reader);
                return new CqlType(code, new[] { key, Read(reader) });
            case CqlTypeCode.Udt:
                var keyspace = reader.ReadString();
                var name = reader.ReadString();
                int fieldCount = reader.ReadShort();
                var names = new string[fieldCount];
                var types = new CqlType[fieldCount];
                for (var i = 0; i < fieldCount; i++)
                {
                    names[i] = reader.ReadString();
                    types[i] = Read(reader);
                }

                return new CqlType(code, types, $"{keyspace}.{name}", names);
            case CqlTypeCode.Tuple:
                int count = reader.ReadShort();
                var components = new CqlType[count];
                for (var i = 0; i < count; i++)
                {
                    components[i] = Read(reader);
                }

                return new CqlType(code, components);
            default:
                if (!Enum.IsDefined(code))
                {
                    throw new CqlProtocolViolationException($"Unknown type option 0x{(ushort)code:X4}.");
                }

                return Of(code);
        }
    }
}
