using System.Net;

namespace MusicRecipes.Cql.Protocol;

/// <summary>Decodes response messages (native protocol §4.2, errors §9).</summary>
internal static class ResponseParser
{
    /// <summary>
    /// Opens a body past its optional prefixes, which come in this order when their header flag is set: tracing
    /// id [uuid], warnings [string list] (v4), custom payload [bytes map] (v4).
    /// </summary>
    public static BodyReader Open(Frame frame, out Guid? tracingId, out IReadOnlyList<string> warnings)
    {
        var reader = new BodyReader(frame.Body);
        tracingId = null;
        warnings = Array.Empty<string>();
        if ((frame.Flags & FrameFlags.Compression) != 0)
        {
            throw new CqlProtocolViolationException("The server sent a compressed frame although no compression was negotiated.");
        }

        if ((frame.Flags & FrameFlags.Tracing) != 0)
        {
            tracingId = reader.ReadUuid();
        }

        if ((frame.Flags & FrameFlags.Warning) != 0)
        {
            warnings = reader.ReadStringList();
        }

        if ((frame.Flags & FrameFlags.CustomPayload) != 0)
        {
            reader.ReadBytesMap();
        }

        return reader;
    }

    public static CqlServerException ReadError(BodyReader reader, IPEndPoint? host)
    {
        var code = (CqlErrorCode)reader.ReadInt();
        var message = reader.ReadString();
        switch (code)
        {
            case CqlErrorCode.Unavailable:
                return new CqlUnavailableException(message, host, (CqlConsistency)reader.ReadShort(), reader.ReadInt(), reader.ReadInt());
            case CqlErrorCode.WriteTimeout:
                return new CqlWriteTimeoutException(message, host, (CqlConsistency)reader.ReadShort(), reader.ReadInt(), reader.ReadInt(), reader.ReadString());
            case CqlErrorCode.ReadTimeout:
                return new CqlReadTimeoutException(message, host, (CqlConsistency)reader.ReadShort(), reader.ReadInt(), reader.ReadInt(), reader.ReadByte() != 0);
            case CqlErrorCode.ReadFailure:
            {
                var consistency = (CqlConsistency)reader.ReadShort();
                int received = reader.ReadInt(), blockFor = reader.ReadInt(), failures = reader.ReadInt();
                return new CqlReplicaFailureException(code, message, host, consistency, received, blockFor, failures, null, reader.ReadByte() != 0);
            }

            case CqlErrorCode.WriteFailure:
            {
                var consistency = (CqlConsistency)reader.ReadShort();
                int received = reader.ReadInt(), blockFor = reader.ReadInt(), failures = reader.ReadInt();
                return new CqlReplicaFailureException(code, message, host, consistency, received, blockFor, failures, reader.ReadString(), null);
            }

            case CqlErrorCode.FunctionFailure:
                return new CqlFunctionFailureException(message, host, reader.ReadString(), reader.ReadString(), reader.ReadStringList());
            case CqlErrorCode.AlreadyExists:
                return new CqlAlreadyExistsException(message, host, reader.ReadString(), reader.ReadString());
            case CqlErrorCode.Unprepared:
                return new CqlUnpreparedException(message, host, reader.ReadShortBytes());
            case CqlErrorCode.SyntaxError:
                return new CqlSyntaxException(message, host);
            case CqlErrorCode.Invalid:
                return new CqlInvalidQueryException(message, host);
            case CqlErrorCode.Unauthorized:
                return new CqlUnauthorizedException(message, host);
            case CqlErrorCode.BadCredentials:
                return new CqlAuthenticationException(message, host);
            case CqlErrorCode.ConfigError:
                return new CqlConfigurationException(message, host);
            case CqlErrorCode.Overloaded:
            case CqlErrorCode.IsBootstrapping:
                return new CqlNodeNotReadyException(code, message, host);
            default:
                return new CqlServerException(code, message, host);
        }
    }

    /// <summary>Reads a RESULT body; a Prepared result comes back through <paramref name="prepared"/>.</summary>
    public static CqlRowSet ReadResult(BodyReader reader, byte version, out PreparedBody? prepared)
    {
        prepared = null;
        var kind = (CqlResultKind)reader.ReadInt();
        switch (kind)
        {
            case CqlResultKind.Void:
                return CqlRowSet.Empty(kind);
            case CqlResultKind.Rows:
                return ReadRows(reader);
            case CqlResultKind.SetKeyspace:
                reader.ReadString();
                return CqlRowSet.Empty(kind);
            case CqlResultKind.SchemaChange:
                // <change_type><target><options>: nothing a client needs beyond "it changed"; schema agreement is
                // checked separately (CqlSession.WaitForSchemaAgreementAsync).
                return CqlRowSet.Empty(kind);
            case CqlResultKind.Prepared:
                var id = reader.ReadShortBytes();
                var variables = ReadMetadata(reader, isPrepared: version >= 4, out _);
                var resultColumns = ReadMetadata(reader, isPrepared: false, out _);
                prepared = new PreparedBody(id, variables, resultColumns);
                return CqlRowSet.Empty(kind);
            default:
                throw new CqlProtocolViolationException($"Unknown result kind {(int)kind}.");
        }
    }

    private static CqlRowSet ReadRows(BodyReader reader)
    {
        var columns = ReadMetadata(reader, isPrepared: false, out var pagingState);
        var index = new Dictionary<string, int>(columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            index.TryAdd(columns[i].Name, i);
        }

        var rowCount = reader.ReadInt();
        var rows = new CqlRow[rowCount];
        for (var r = 0; r < rowCount; r++)
        {
            var values = new object?[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                var bytes = reader.ReadBytesSegment();
                values[c] = bytes is { } segment ? CqlValueCodec.Decode(columns[c].Type, segment) : null;
            }

            rows[r] = new CqlRow(columns, index, values);
        }

        return new CqlRowSet(columns, rows, pagingState) { Kind = CqlResultKind.Rows };
    }

    /// <summary>Rows metadata (§4.2.5.2), or with <paramref name="isPrepared"/> the v4 prepared metadata that adds pk indexes.</summary>
    private static IReadOnlyList<CqlColumn> ReadMetadata(BodyReader reader, bool isPrepared, out byte[]? pagingState)
    {
        const int globalTablesSpec = 0x0001;
        const int hasMorePages = 0x0002;
        const int noMetadata = 0x0004;

        pagingState = null;
        var flags = reader.ReadInt();
        var count = reader.ReadInt();
        if (isPrepared)
        {
            var pkCount = reader.ReadInt();
            for (var i = 0; i < pkCount; i++)
            {
                reader.ReadShort();
            }
        }
        else if ((flags & hasMorePages) != 0)
        {
            pagingState = reader.ReadBytes();
        }

        if ((flags & noMetadata) != 0)
        {
            return Array.Empty<CqlColumn>();
        }

        string? keyspace = null, table = null;
        if ((flags & globalTablesSpec) != 0)
        {
            keyspace = reader.ReadString();
            table = reader.ReadString();
        }

        var columns = new CqlColumn[count];
        for (var i = 0; i < count; i++)
        {
            var columnKeyspace = keyspace ?? reader.ReadString();
            var columnTable = table ?? reader.ReadString();
            columns[i] = new CqlColumn(columnKeyspace, columnTable, reader.ReadString(), CqlType.Read(reader));
        }

        return columns;
    }
}
