using System.Net;

namespace MusicRecipes.Cql;

/// <summary>(v4) A user-defined function failed (0x1400).</summary>
public sealed class CqlFunctionFailureException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlFunctionFailureException(string message, IPEndPoint? host, string keyspace, string function, IReadOnlyList<string> argumentTypes)
        : base(CqlErrorCode.FunctionFailure, message, host)
    {
        Keyspace = keyspace;
        Function = function;
        ArgumentTypes = argumentTypes;
    }

    /// <summary>The function's keyspace.</summary>
    public string Keyspace { get; }

    /// <summary>The function's name.</summary>
    public string Function { get; }

    /// <summary>The CQL types of its arguments.</summary>
    public IReadOnlyList<string> ArgumentTypes { get; }
}
