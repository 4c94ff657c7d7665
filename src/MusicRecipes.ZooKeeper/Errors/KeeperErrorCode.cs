namespace MusicRecipes.ZooKeeper;

/// <summary>ZooKeeper's error codes (KeeperException.Code).</summary>
public enum KeeperErrorCode
{
    /// <summary>No error.</summary>
    Ok = 0,

    /// <summary>A system error on the server.</summary>
    SystemError = -1,

    /// <summary>In a failed multi: this operation was not applied because another one failed.</summary>
    RuntimeInconsistency = -2,

    /// <summary>The server found its data inconsistent.</summary>
    DataInconsistency = -3,

    /// <summary>The connection was lost; the outcome of the request is unknown.</summary>
    ConnectionLoss = -4,

    /// <summary>The request or reply could not be (de)serialized.</summary>
    MarshallingError = -5,

    /// <summary>The operation is not implemented by the server.</summary>
    Unimplemented = -6,

    /// <summary>The operation timed out.</summary>
    OperationTimeout = -7,

    /// <summary>Invalid arguments (for example a bad path or a packet over the size limit).</summary>
    BadArguments = -8,

    /// <summary>The session is unknown to the server.</summary>
    UnknownSession = -12,

    /// <summary>A new configuration has no quorum.</summary>
    NewConfigNoQuorum = -13,

    /// <summary>A reconfiguration is in progress.</summary>
    ReconfigInProgress = -14,

    /// <summary>An API error.</summary>
    ApiError = -100,

    /// <summary>The node does not exist.</summary>
    NoNode = -101,

    /// <summary>Not authorised.</summary>
    NoAuth = -102,

    /// <summary>The expected version does not match the node's.</summary>
    BadVersion = -103,

    /// <summary>Ephemeral nodes cannot have children.</summary>
    NoChildrenForEphemerals = -108,

    /// <summary>The node already exists.</summary>
    NodeExists = -110,

    /// <summary>The node has children.</summary>
    NotEmpty = -111,

    /// <summary>The session expired.</summary>
    SessionExpired = -112,

    /// <summary>Invalid callback.</summary>
    InvalidCallback = -113,

    /// <summary>Invalid ACL.</summary>
    InvalidAcl = -114,

    /// <summary>Authentication failed.</summary>
    AuthFailed = -115,

    /// <summary>The session moved to another server.</summary>
    SessionMoved = -118,

    /// <summary>A state-changing request reached a read-only server.</summary>
    NotReadOnly = -119,

    /// <summary>Ephemeral nodes cannot be created by a local session.</summary>
    EphemeralOnLocalSession = -120,

    /// <summary>No such watch.</summary>
    NoWatcher = -121,

    /// <summary>The request timed out on the server.</summary>
    RequestTimeout = -122,

    /// <summary>Reconfiguration is disabled.</summary>
    ReconfigDisabled = -123,

    /// <summary>The session was closed because it lacks SASL authentication.</summary>
    SessionClosedRequireSasl = -124,

    /// <summary>A quota was exceeded.</summary>
    QuotaExceeded = -125,

    /// <summary>The server throttled the request.</summary>
    Throttled = -127,
}
