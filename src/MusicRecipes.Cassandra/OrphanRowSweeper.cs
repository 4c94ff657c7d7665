using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

/// <summary>
/// Queue rows of this store's tickets that must leave their queues but could not be removed at once: an enqueue that
/// failed half-way or whose outcome was unknown, and the tickets of a session that was lost. A row left there would
/// keep everyone behind it waiting until some waiter proves its session dead, and it would still be listed as a
/// participant (rule 5 of docs/design.md: every wait must end). The sweeper retries in the background, one heartbeat
/// apart, until every row is gone or the store is disposed — what Curator calls a guaranteed delete. Each removal is
/// conditional on the ticket's id, so it can take nothing else out; a lost ticket has been told of its loss before its
/// rows are queued here (rule 6).
/// </summary>
internal sealed class OrphanRowSweeper(Func<OrphanRow, CancellationToken, Task> remove, TimeSpan retryDelay, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentQueue<OrphanRow> _rows = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private Task _background = Task.CompletedTask;
    private bool _sweeping;

    public void Add(string key, long ordinal, string ticketId) => _rows.Enqueue(new OrphanRow(key, ordinal, ticketId));

    /// <summary>Queues every row of tickets that were lost with their session, and sweeps them in the background.</summary>
    public void AddLost(IReadOnlyCollection<LockTicket> tickets)
    {
        if (tickets.Count == 0)
        {
            return;
        }

        logger.LogInformation("Removing the queue rows of {Count} ticket(s) of a lost lock session", tickets.Count);
        foreach (var ticket in tickets)
        {
            foreach (var position in ticket.Positions)
            {
                Add(position.Key, position.Ordinal, ticket.Id);
            }
        }

        SweepInBackground();
    }

    /// <summary>One pass over the rows queued now; those that still fail stay queued.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var count = _rows.Count;
        for (var i = 0; i < count && _rows.TryDequeue(out var row); i++)
        {
            try
            {
                await remove(row, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MusicException or OperationCanceledException)
            {
                logger.LogDebug(e, "Could not remove the queue row of {Ticket} at {Key}#{Ordinal} yet", row.TicketId, row.Key, row.Ordinal);
                _rows.Enqueue(row);
            }
        }
    }

    /// <summary>Sweeps until nothing is left, one retry delay between passes (one background loop at a time).</summary>
    public void SweepInBackground()
    {
        lock (_gate)
        {
            if (_sweeping || _stop.IsCancellationRequested)
            {
                return;
            }

            _sweeping = true;
            _background = Task.Run(SweepUntilEmptyAsync);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task background;
        lock (_gate)
        {
            _stop.Cancel();
            background = _background;
        }

        await background.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SweepUntilEmptyAsync()
    {
        try
        {
            while (true)
            {
                await SweepAsync(_stop.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    if (_rows.IsEmpty || _stop.IsCancellationRequested)
                    {
                        _sweeping = false;
                        return;
                    }
                }

                await Task.Delay(retryDelay, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                _sweeping = false;
            }
        }
    }
}

/// <summary>A queue row of a ticket of ours that must go.</summary>
internal readonly record struct OrphanRow(string Key, long Ordinal, string TicketId);
