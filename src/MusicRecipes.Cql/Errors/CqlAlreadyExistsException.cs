using System.Net;

namespace MusicRecipes.Cql;

/// <summary>A CREATE without IF NOT EXISTS named a keyspace or table that exists (0x2400).</summary>
public sealed class CqlAlreadyExistsException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlAlreadyExistsException(string message, IPEndPoint? host, string keyspace, string table)
        : base(CqlErrorCode.AlreadyExists, message, host)
    {
        Keyspace = keyspace;
        Table = table;
    }

    /// <summary>The keyspace (or the keyspace of the table).</summary>
    public string Keyspace { get; }

    /// <summary>The table, or empty when a keyspace already exists.</summary>
    public string Table { get; }
}
