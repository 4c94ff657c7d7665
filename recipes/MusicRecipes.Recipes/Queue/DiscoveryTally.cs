namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// Why one discovery round claimed nothing: how many open items it looked at and what stopped each. A round that finds
/// nothing is not an error, so without this it leaves no trace; logged at Debug so that a worker that keeps finding
/// nothing while items wait can be told apart from one that sees no items at all.
/// </summary>
internal sealed class DiscoveryTally
{
    /// <summary>Open items looked at (not settled, not being processed by this worker).</summary>
    public int Looked { get; set; }

    /// <summary>Marked done since this worker last looked: settled without a lock.</summary>
    public int MarkedDone { get; set; }

    /// <summary>Claimed by another worker as the local replica says: left alone within the trust window.</summary>
    public int Deferred { get; set; }

    /// <summary>Another worker announced it is trying the lock.</summary>
    public int HeldOff { get; set; }

    /// <summary>The payload has not reached this site yet.</summary>
    public int NotHere { get; set; }

    /// <summary>The lock was held by someone else.</summary>
    public int Busy { get; set; }

    /// <summary>Done or declined by this worker, as read under the lock.</summary>
    public int Settled { get; set; }

    /// <summary>The session ended during the lock attempt.</summary>
    public int SessionLost { get; set; }

    public override string ToString() =>
        $"{Looked} open item(s): {MarkedDone} marked done, {Deferred} deferred, {HeldOff} held off, {NotHere} not here yet, {Busy} busy, {Settled} settled under the lock, {SessionLost} session lost";
}
