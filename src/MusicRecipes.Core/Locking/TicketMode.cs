using System.Globalization;

namespace MusicRecipes.Locking;

/// <summary>
/// How a ticket shares its keys with the other tickets of its queues: <see cref="Exclusive"/> (a mutex or a writer:
/// it holds when no ticket is ahead of it), <see cref="Shared"/> (a reader: it holds when no exclusive or permit
/// ticket is ahead of it, so readers hold together and a queued writer holds back the readers behind it — no writer
/// starvation), or <see cref="Permits"/> (one of N permits of a semaphore: it holds when fewer than N tickets are
/// ahead of it). Every queue is FIFO whatever the modes, as Curator's read-write lock and semaphore are.
/// </summary>
/// <remarks>
/// The mode travels in the ticket's id (<see cref="IdPrefix"/>), so anyone who lists a queue knows every entry's mode
/// without reading more: ZooKeeper's node names and Cassandra's rows carry the id already. An id without a mode
/// prefix is an exclusive ticket.
/// </remarks>
/// <example>
/// <code>
/// var reader = await client.CreateLockRefAsync(["catalog"], TicketMode.Shared, ct);
/// var permit = await client.CreateLockRefAsync(["render-slots"], TicketMode.Permits(4), ct);
/// </code>
/// </example>
public readonly record struct TicketMode
{
    private const char Separator = '.';

    private TicketMode(TicketModeKind kind, int count)
    {
        Kind = kind;
        Count = count;
    }

    /// <summary>A mutex or writer ticket: it holds alone.</summary>
    public static TicketMode Exclusive { get; } = new(TicketModeKind.Exclusive, 1);

    /// <summary>A reader ticket: it holds with the other readers, never with a writer.</summary>
    public static TicketMode Shared { get; } = new(TicketModeKind.Shared, 0);

    /// <summary>Which kind of sharing.</summary>
    public TicketModeKind Kind { get; }

    /// <summary>For <see cref="TicketModeKind.Permits"/>, how many tickets may hold at once.</summary>
    public int Count { get; }

    /// <summary>Whether a holder may write its keys (critical puts): only an exclusive one.</summary>
    public bool AllowsWrites => Kind == TicketModeKind.Exclusive;

    /// <summary>Whether a holder may read its keys (critical gets): not a semaphore permit, which locks no data.</summary>
    public bool AllowsReads => Kind != TicketModeKind.Permits;

    /// <summary>What the ticket's id starts with: <c>s.</c> for shared, <c>p{N}.</c> for permits, nothing for exclusive.</summary>
    public string IdPrefix => Kind switch
    {
        TicketModeKind.Shared => "s" + Separator,
        TicketModeKind.Permits => "p" + Count.ToString(CultureInfo.InvariantCulture) + Separator,
        _ => string.Empty,
    };

    /// <summary>One of <paramref name="count"/> permits of a semaphore.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1 or above 1000.</exception>
    public static TicketMode Permits(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1000);
        return new TicketMode(TicketModeKind.Permits, count);
    }

    /// <summary>The mode a ticket id carries (see <see cref="IdPrefix"/>).</summary>
    public static TicketMode OfTicket(string ticketId)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        var separator = ticketId.IndexOf(Separator, StringComparison.Ordinal);
        if (separator == 1 && ticketId[0] == 's')
        {
            return Shared;
        }

        if (separator > 1 && ticketId[0] == 'p'
            && int.TryParse(ticketId.AsSpan(1, separator - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count is >= 1 and <= 1000)
        {
            return Permits(count);
        }

        return Exclusive;
    }

    /// <summary>
    /// Whether a ticket of this mode holds its place in a queue where <paramref name="aheadTicketIds"/> are the tickets
    /// ahead of it, first first.
    /// </summary>
    public bool CanHoldBehind(IReadOnlyList<string> aheadTicketIds)
    {
        ArgumentNullException.ThrowIfNull(aheadTicketIds);
        return Kind switch
        {
            TicketModeKind.Shared => aheadTicketIds.All(id => OfTicket(id).Kind == TicketModeKind.Shared),
            TicketModeKind.Permits => aheadTicketIds.Count < Count,
            _ => aheadTicketIds.Count == 0,
        };
    }

    /// <summary>
    /// The tickets ahead whose departure may let a waiting ticket of this mode hold — the ones to watch, so a wait is
    /// woken by an event (rule 5 of docs/design.md) without a herd: the one right ahead for an exclusive ticket, the
    /// nearest non-reader ahead for a reader, every ticket ahead for a permit. Empty when the ticket holds already.
    /// </summary>
    public IReadOnlyList<string> BlockersAmong(IReadOnlyList<string> aheadTicketIds)
    {
        ArgumentNullException.ThrowIfNull(aheadTicketIds);
        if (CanHoldBehind(aheadTicketIds))
        {
            return [];
        }

        return Kind switch
        {
            TicketModeKind.Shared => [aheadTicketIds.Last(id => OfTicket(id).Kind != TicketModeKind.Shared)],
            TicketModeKind.Permits => aheadTicketIds,
            _ => [aheadTicketIds[^1]],
        };
    }

    /// <inheritdoc />
    public override string ToString() => Kind == TicketModeKind.Permits ? $"Permits({Count})" : Kind.ToString();
}
