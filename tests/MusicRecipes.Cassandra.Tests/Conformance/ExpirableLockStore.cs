using System.Collections.Concurrent;
using MusicRecipes.InMemory;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// An in-memory lock session that the test can expire from outside (InMemoryMusicCluster only expires sessions of
/// clients it built itself). Expiry does what the lock service would: the session's tickets leave every queue
/// without a clean release (keys stay unsynced) and are signalled lost; the next call opens a new session.
/// </summary>
internal sealed class ExpirableLockStore(InMemoryMusicCluster cluster, int site) : ILockStore
{
    private readonly ConcurrentDictionary<string, LockTicket> _tickets = new();
    private ILockStore _inner = cluster.CreateLockStore(site);
    private volatile bool _expired;

    public LockSessionState SessionState => _expired ? LockSessionState.Lost : _inner.SessionState;

    public DateTimeOffset UtcNow => _inner.UtcNow;

    public async Task ExpireAsync()
    {
        _expired = true;
        foreach (var ticket in _tickets.Values)
        {
            await _inner.RemoveAsync(ticket, CancellationToken.None);
            ticket.SignalLost(LockLossReason.SessionExpired);
        }

        _tickets.Clear();
    }

    public async Task<LockTicket> EnqueueAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (_expired)
        {
            await _inner.DisposeAsync();
            _inner = cluster.CreateLockStore(site);
            _expired = false;
        }

        var ticket = await _inner.EnqueueAsync(keys, cancellationToken);
        _tickets[ticket.Id] = ticket;
        return ticket;
    }

    public Task<HeadCheck> CheckHeadAsync(LockTicket ticket, CancellationToken cancellationToken) => _inner.CheckHeadAsync(ticket, cancellationToken);

    public Task WaitForChangeAsync(LockTicket ticket, CancellationToken cancellationToken) => _inner.WaitForChangeAsync(ticket, cancellationToken);

    public Task<VersionedKeyState> GetKeyStateAsync(string key, CancellationToken cancellationToken) => _inner.GetKeyStateAsync(key, cancellationToken);

    public Task<RecordResult> TryRecordAcquiredAsync(LockTicket ticket, TicketPosition position, VersionedKeyState expected, CancellationToken cancellationToken) =>
        _inner.TryRecordAcquiredAsync(ticket, position, expected, cancellationToken);


    public async Task RemoveAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        await _inner.RemoveAsync(ticket, cancellationToken);
        _tickets.TryRemove(ticket.Id, out _);
    }

    public async Task ReleaseAsync(LockTicket ticket, bool clean, CancellationToken cancellationToken)
    {
        await _inner.ReleaseAsync(ticket, clean, cancellationToken);
        _tickets.TryRemove(ticket.Id, out _);
    }

    public Task<IReadOnlyList<QueueEntry>> ReadQueueAsync(string key, CancellationToken cancellationToken) => _inner.ReadQueueAsync(key, cancellationToken);

    public Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken) => _inner.ForceRemoveAsync(entry, cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
