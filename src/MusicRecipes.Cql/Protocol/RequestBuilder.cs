namespace MusicRecipes.Cql.Protocol;

/// <summary>Encodes request messages (native protocol §4.1). The bodies are identical in v3 and v4.</summary>
internal static class RequestBuilder
{
    private const byte FlagValues = 0x01;
    private const byte FlagPageSize = 0x04;
    private const byte FlagPagingState = 0x08;
    private const byte FlagSerialConsistency = 0x10;
    private const byte FlagDefaultTimestamp = 0x20;

    public static byte[] Startup()
    {
        var writer = new BodyWriter();
        writer.WriteStringMap(new Dictionary<string, string> { ["CQL_VERSION"] = "3.0.0" });
        return writer.ToFrame(Opcode.Startup, FrameFlags.None);
    }

    public static byte[] Options() => new BodyWriter().ToFrame(Opcode.Options, FrameFlags.None);

    public static byte[] Register(IReadOnlyList<string> events)
    {
        var writer = new BodyWriter();
        writer.WriteStringList(events);
        return writer.ToFrame(Opcode.Register, FrameFlags.None);
    }

    public static byte[] AuthResponse(byte[] token)
    {
        var writer = new BodyWriter();
        writer.WriteBytes(token);
        return writer.ToFrame(Opcode.AuthResponse, FrameFlags.None);
    }

    public static byte[] Prepare(string cql)
    {
        var writer = new BodyWriter();
        writer.WriteLongString(cql);
        return writer.ToFrame(Opcode.Prepare, FrameFlags.None);
    }

    public static byte[] Query(CqlQuery query, QueryParameters parameters, bool tracing)
    {
        var writer = new BodyWriter(64 + query.Cql.Length * 2);
        writer.WriteLongString(query.Cql);
        WriteParameters(writer, parameters, query.Values, null);
        return writer.ToFrame(Opcode.Query, tracing ? FrameFlags.Tracing : FrameFlags.None);
    }

    public static byte[] Execute(CqlBoundStatement bound, QueryParameters parameters, bool tracing)
    {
        var writer = new BodyWriter();
        writer.WriteShortBytes(bound.Prepared.Id);
        WriteParameters(writer, parameters, bound.Values, bound.Prepared.Variables);
        return writer.ToFrame(Opcode.Execute, tracing ? FrameFlags.Tracing : FrameFlags.None);
    }

    public static byte[] Batch(CqlBatch batch, QueryParameters parameters, bool tracing)
    {
        var writer = new BodyWriter();
        writer.WriteByte((byte)batch.Type);
        writer.WriteShort(checked((ushort)batch.Statements.Count));
        foreach (var statement in batch.Statements)
        {
            switch (statement)
            {
                case CqlQuery query:
                    writer.WriteByte(0);
                    writer.WriteLongString(query.Cql);
                    WriteValues(writer, query.Values, null);
                    break;
                case CqlBoundStatement bound:
                    writer.WriteByte(1);
                    writer.WriteShortBytes(bound.Prepared.Id);
                    WriteValues(writer, bound.Values, bound.Prepared.Variables);
                    break;
                default:
                    throw new ArgumentException($"A batch cannot contain a {statement.GetType().Name}.", nameof(batch));
            }
        }

        writer.WriteShort((ushort)parameters.Consistency);
        byte flags = 0;
        if (parameters.SerialConsistency is not null)
        {
            flags |= FlagSerialConsistency;
        }

        if (parameters.Timestamp is not null)
        {
            flags |= FlagDefaultTimestamp;
        }

        writer.WriteByte(flags);
        if (parameters.SerialConsistency is { } serial)
        {
            writer.WriteShort((ushort)serial);
        }

        if (parameters.Timestamp is { } timestamp)
        {
            writer.WriteLong(timestamp);
        }

        return writer.ToFrame(Opcode.Batch, tracing ? FrameFlags.Tracing : FrameFlags.None);
    }

    private static void WriteParameters(BodyWriter writer, QueryParameters parameters, IReadOnlyList<object?> values, IReadOnlyList<CqlColumn>? types)
    {
        writer.WriteShort((ushort)parameters.Consistency);
        byte flags = 0;
        if (values.Count > 0)
        {
            flags |= FlagValues;
        }

        if (parameters.PageSize is not null)
        {
            flags |= FlagPageSize;
        }

        if (parameters.PagingState is not null)
        {
            flags |= FlagPagingState;
        }

        if (parameters.SerialConsistency is not null)
        {
            flags |= FlagSerialConsistency;
        }

        if (parameters.Timestamp is not null)
        {
            flags |= FlagDefaultTimestamp;
        }

        writer.WriteByte(flags);
        if (values.Count > 0)
        {
            WriteValues(writer, values, types);
        }

        if (parameters.PageSize is { } pageSize)
        {
            writer.WriteInt(pageSize);
        }

        if (parameters.PagingState is { } pagingState)
        {
            writer.WriteBytes(pagingState);
        }

        if (parameters.SerialConsistency is { } serial)
        {
            writer.WriteShort((ushort)serial);
        }

        if (parameters.Timestamp is { } timestamp)
        {
            writer.WriteLong(timestamp);
        }
    }

    private static void WriteValues(BodyWriter writer, IReadOnlyList<object?> values, IReadOnlyList<CqlColumn>? types)
    {
        writer.WriteShort(checked((ushort)values.Count));
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (value is null)
            {
                writer.WriteBytes(default, isNull: true);
                continue;
            }

            var type = types is not null && i < types.Count ? types[i].Type : null;
            writer.WriteBytes(CqlValueCodec.Encode(value, type));
        }
    }
}
