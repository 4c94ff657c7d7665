using System.Net;

namespace MusicRecipes.Cql;

/// <summary>(v4) A replica failed a read (0x1300) or a write (0x1500) rather than timing out.</summary>
public sealed class CqlReplicaFailureException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlReplicaFailureException(CqlErrorCode code, string message, IPEndPoint? host, CqlConsistency consistency, int received, int blockFor, int failures, string? writeType, bool? dataPresent)
        : base(code, message, host)
    {
        Consistency = consistency;
        Received = received;
        BlockFor = blockFor;
        Failures = failures;
        WriteType = writeType;
        DataPresent = dataPresent;
    }

    /// <summary>The consistency level.</summary>
    public CqlConsistency Consistency { get; }

    /// <summary>Responses received.</summary>
    public int Received { get; }

    /// <summary>Responses required.</summary>
    public int BlockFor { get; }

    /// <summary>Replicas that failed.</summary>
    public int Failures { get; }

    /// <summary>For a write failure, its type; otherwise null.</summary>
    public string? WriteType { get; }

    /// <summary>For a read failure, whether the data replica answered; otherwise null.</summary>
    public bool? DataPresent { get; }
}
