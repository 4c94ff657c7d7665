namespace MusicRecipes.Cql;

/// <summary>Error codes of the ERROR response (native protocol §9).</summary>
public enum CqlErrorCode
{
    /// <summary>Something unexpected happened on the server. Cassandra 2.1 also uses it to refuse a protocol version.</summary>
    ServerError = 0x0000,

    /// <summary>The client sent something the server could not parse.</summary>
    ProtocolError = 0x000A,

    /// <summary>Authentication failed.</summary>
    BadCredentials = 0x0100,

    /// <summary>Not enough replicas are alive to satisfy the consistency level; nothing was tried.</summary>
    Unavailable = 0x1000,

    /// <summary>The coordinator is overloaded; the request was not processed.</summary>
    Overloaded = 0x1001,

    /// <summary>The coordinator is bootstrapping; the request was not processed.</summary>
    IsBootstrapping = 0x1002,

    /// <summary>A TRUNCATE failed.</summary>
    TruncateError = 0x1003,

    /// <summary>Too few replicas acknowledged a write in time; the write may have been applied by some.</summary>
    WriteTimeout = 0x1100,

    /// <summary>Too few replicas answered a read in time.</summary>
    ReadTimeout = 0x1200,

    /// <summary>(v4) A replica failed a read.</summary>
    ReadFailure = 0x1300,

    /// <summary>(v4) A user-defined function failed.</summary>
    FunctionFailure = 0x1400,

    /// <summary>(v4) A replica failed a write.</summary>
    WriteFailure = 0x1500,

    /// <summary>The query has a syntax error.</summary>
    SyntaxError = 0x2000,

    /// <summary>The user is not allowed to run the query.</summary>
    Unauthorized = 0x2100,

    /// <summary>The query is syntactically correct but invalid.</summary>
    Invalid = 0x2200,

    /// <summary>The query is invalid because of a configuration issue.</summary>
    ConfigError = 0x2300,

    /// <summary>A keyspace or table to create already exists.</summary>
    AlreadyExists = 0x2400,

    /// <summary>The prepared statement id is unknown to this node (restarted, or prepared elsewhere).</summary>
    Unprepared = 0x2500,
}
