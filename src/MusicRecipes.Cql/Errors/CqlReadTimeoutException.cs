using System.Net;

namespace MusicRecipes.Cql;

/// <summary>Too few replicas answered a read before the server's read timeout (0x1200).</summary>
public sealed class CqlReadTimeoutException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlReadTimeoutException(string message, IPEndPoint? host, CqlConsistency consistency, int received, int blockFor, bool dataPresent)
        : base(CqlErrorCode.ReadTimeout, message, host)
    {
        Consistency = consistency;
        Received = received;
        BlockFor = blockFor;
        DataPresent = dataPresent;
    }

    /// <summary>The consistency level of the read.</summary>
    public CqlConsistency Consistency { get; }

    /// <summary>Responses received.</summary>
    public int Received { get; }

    /// <summary>Responses required.</summary>
    public int BlockFor { get; }

    /// <summary>Whether the replica asked for the data answered.</summary>
    public bool DataPresent { get; }
}
