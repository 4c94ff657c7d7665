namespace MusicRecipes.Locking;

/// <summary>Why a ticket stopped being valid.</summary>
public enum LockLossReason
{
    /// <summary>The lock-service session that owned the ticket expired (or was judged expired locally).</summary>
    SessionExpired,

    /// <summary>Somebody else removed the ticket (forced release).</summary>
    ForciblyReleased,

    /// <summary>The hold outlived <see cref="MusicClientOptions.HoldLease"/>.</summary>
    LeaseExpired,

    /// <summary>The client was disposed while holding or waiting.</summary>
    ClientClosed,
}
