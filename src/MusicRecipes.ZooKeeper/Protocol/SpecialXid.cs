namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>Reserved request ids (ClientCnxn): replies carrying them are not answers to numbered requests.</summary>
internal static class SpecialXid
{
    /// <summary>A watch notification pushed by the server.</summary>
    public const int Notification = -1;

    /// <summary>A ping and its reply.</summary>
    public const int Ping = -2;

    /// <summary>An auth packet and its reply.</summary>
    public const int Auth = -4;

    /// <summary>The SetWatches sent after a reconnect, and its reply.</summary>
    public const int SetWatches = -8;
}
