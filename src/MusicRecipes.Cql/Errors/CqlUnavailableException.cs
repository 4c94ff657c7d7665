using System.Net;

namespace MusicRecipes.Cql;

/// <summary>
/// Not enough replicas were alive (as the coordinator saw them) to satisfy the consistency level (0x1000).
/// Nothing was executed.
/// </summary>
public sealed class CqlUnavailableException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlUnavailableException(string message, IPEndPoint? host, CqlConsistency consistency, int required, int alive)
        : base(CqlErrorCode.Unavailable, message, host)
    {
        Consistency = consistency;
        Required = required;
        Alive = alive;
    }

    /// <summary>The consistency level of the query.</summary>
    public CqlConsistency Consistency { get; }

    /// <summary>How many replicas had to be alive.</summary>
    public int Required { get; }

    /// <summary>How many replicas were known alive.</summary>
    public int Alive { get; }
}
