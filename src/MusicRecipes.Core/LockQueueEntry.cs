namespace MusicRecipes;

/// <summary>
/// One ticket in a key's lock queue, as <see cref="IMusicClient.GetLockQueueAsync"/> reads it: who holds the key and
/// who waits for it. For display, diagnostics and timeouts (<see cref="LockTimeoutException.Holder"/>), never for
/// authority — by the time it is read the queue may have moved on; fencing tokens decide who may act.
/// </summary>
/// <param name="TicketId">The ticket's id (<see cref="LockRef.Id"/> of its owner).</param>
/// <param name="SessionId">The lock-service session that owns the ticket.</param>
/// <param name="Ordinal">The ticket's ordinal on this key: its fencing token value (<see cref="LockRef.FencingTokenFor"/>).</param>
/// <param name="Keys">Every key the ticket locks.</param>
/// <param name="HeldSince">When the ticket acquired this key, by the lock service's clock; <c>null</c> while it waits.</param>
/// <param name="Site">The site of the owning client when it is known (the reading client's own session); else <c>null</c>.</param>
/// <example>
/// <code>
/// var queue = await client.GetLockQueueAsync("stock:apples", ct);
/// if (queue is [{ IsHolder: true } holder, ..]) { logger.LogInformation("held by {Session} since {Since}", holder.SessionId, holder.HeldSince); }
/// </code>
/// </example>
public sealed record LockQueueEntry(string TicketId, string SessionId, long Ordinal, IReadOnlyList<string> Keys, DateTimeOffset? HeldSince, string? Site)
{
    /// <summary>True when the ticket acquired the key (it is the head of the queue and recorded its acquisition).</summary>
    public bool IsHolder => HeldSince is not null;

    /// <inheritdoc />
    public override string ToString() =>
        $"ticket {TicketId} (ordinal {Ordinal}) of session {SessionId}{(Site is null ? "" : $" at {Site}")}"
        + (HeldSince is { } since ? $", holding since {since:O}" : ", waiting");
}
