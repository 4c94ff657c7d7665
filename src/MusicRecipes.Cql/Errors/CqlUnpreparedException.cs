using System.Net;

namespace MusicRecipes.Cql;

/// <summary>
/// The node does not know the prepared statement id (0x2500), typically after it restarted. The session
/// re-prepares and retries by itself; this surfaces only when re-preparing failed.
/// </summary>
public sealed class CqlUnpreparedException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlUnpreparedException(string message, IPEndPoint? host, byte[] statementId)
        : base(CqlErrorCode.Unprepared, message, host)
    {
        StatementId = statementId;
    }

    /// <summary>The unknown id.</summary>
    public byte[] StatementId { get; }
}
