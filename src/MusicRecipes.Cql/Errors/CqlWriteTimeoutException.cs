using System.Net;

namespace MusicRecipes.Cql;

/// <summary>
/// Too few replicas acknowledged a write before the server's write timeout (0x1100). The write may have been
/// applied by some replicas: its outcome is unknown.
/// </summary>
public sealed class CqlWriteTimeoutException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlWriteTimeoutException(string message, IPEndPoint? host, CqlConsistency consistency, int received, int blockFor, string writeType)
        : base(CqlErrorCode.WriteTimeout, message, host)
    {
        Consistency = consistency;
        Received = received;
        BlockFor = blockFor;
        WriteType = writeType;
    }

    /// <summary>The consistency level of the write.</summary>
    public CqlConsistency Consistency { get; }

    /// <summary>Acknowledgements received.</summary>
    public int Received { get; }

    /// <summary>Acknowledgements required.</summary>
    public int BlockFor { get; }

    /// <summary>SIMPLE, BATCH, UNLOGGED_BATCH, COUNTER, BATCH_LOG, CAS (the Paxos phase of an LWT), …</summary>
    public string WriteType { get; }
}
