using MusicRecipes.Locking;

namespace MusicRecipes.Hosting;

/// <summary>
/// The host's <see cref="IMusicClient"/> for backends that connect over the network: resolving it connects nothing (DI
/// factories are synchronous and must not block on I/O); <see cref="MusicClientStartup"/> connects it when the host
/// starts, or its first MUSIC call does outside a host. Every call waits for the connection, then goes to the real
/// <see cref="MusicClient"/>. A failed connect is not kept: the next call tries again.
/// </summary>
/// <remarks>
/// Before the connection <see cref="SessionState"/> is <see cref="LockSessionState.Latent"/>, and <see cref="Site"/> is the
/// configured site (<c>Music:Cassandra:Site</c> or <c>LocalDataCenter</c>); without one, reading it waits for the
/// connection, up to <see cref="SiteWait"/> (the backends bound their connects themselves; this is only a backstop).
/// </remarks>
internal sealed class ConnectingMusicClient : IMusicClient
{
    /// <summary>How long reading <see cref="Site"/> waits for the connection when no site was configured.</summary>
    internal static readonly TimeSpan SiteWait = TimeSpan.FromSeconds(31);

    private readonly Func<CancellationToken, Task<IMusicClient>> _connect;
    private readonly string? _siteHint;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly LockSessionStateNotifier _events;
    private Task<IMusicClient>? _connecting;
    private IMusicClient? _client;
    private int _disposed;

    public ConnectingMusicClient(Func<CancellationToken, Task<IMusicClient>> connect, string? siteHint)
    {
        _connect = connect;
        _siteHint = siteHint;
        _events = new LockSessionStateNotifier(this, () => SessionState);
    }

    public event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged
    {
        add => _events.Changed += value;
        remove => _events.Changed -= value;
    }

    public bool IsConnected => Volatile.Read(ref _client) is not null;

    public string Site => Volatile.Read(ref _client)?.Site ?? _siteHint ?? SiteAfterConnecting();

    public LockSessionState SessionState =>
        Volatile.Read(ref _disposed) != 0 ? LockSessionState.Closed : Volatile.Read(ref _client)?.SessionState ?? LockSessionState.Latent;

    /// <summary>Connects (once; again after a failure) and returns the connected client.</summary>
    public Task<IMusicClient> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { } connected)
        {
            return Task.FromResult(connected);
        }

        Task<IMusicClient> attempt;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectCoreAsync();
            }

            attempt = _connecting;
        }

        return attempt.WaitAsync(cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).GetAsync(key, cancellationToken).ConfigureAwait(false);

    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).PutAsync(key, value, cancellationToken).ConfigureAwait(false);

    public async Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).CreateLockRefAsync(keys, cancellationToken).ConfigureAwait(false);

    public async Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, TicketMode mode, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).CreateLockRefAsync(keys, mode, cancellationToken).ConfigureAwait(false);

    public async Task<bool> AcquireLockAsync(LockRef lockRef, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).AcquireLockAsync(lockRef, cancellationToken).ConfigureAwait(false);

    public async Task<byte[]?> CriticalGetAsync(LockRef lockRef, string key, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).CriticalGetAsync(lockRef, key, cancellationToken).ConfigureAwait(false);

    public async Task CriticalPutAsync(LockRef lockRef, string key, byte[] value, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).CriticalPutAsync(lockRef, key, value, cancellationToken).ConfigureAwait(false);

    public async Task ReleaseLockAsync(LockRef lockRef, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).ReleaseLockAsync(lockRef, cancellationToken).ConfigureAwait(false);

    public async Task WaitForLockAsync(LockRef lockRef, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).WaitForLockAsync(lockRef, timeout, cancellationToken).ConfigureAwait(false);

    public async Task<bool> ForceReleaseAsync(string key, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).ForceReleaseAsync(key, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<LockQueueEntry>> GetLockQueueAsync(string key, CancellationToken cancellationToken = default) =>
        await (await ConnectAsync(cancellationToken).ConfigureAwait(false)).GetLockQueueAsync(key, cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        Task<IMusicClient>? connecting;
        lock (_gate)
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            connecting = _connecting;
        }

        _events.StateMayHaveChanged(); // Closed
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (connecting is not null)
        {
            try
            {
                await (await connecting.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MusicException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // Never connected: nothing to close.
            }
        }

        _disposing.Dispose();
    }

    public override string ToString() => $"MusicClient({(IsConnected ? Site : "connecting")}, {SessionState})";

    private async Task<IMusicClient> ConnectCoreAsync()
    {
        var client = await _connect(_disposing.Token).ConfigureAwait(false);
        client.SessionStateChanged += (_, _) => _events.StateMayHaveChanged();
        Volatile.Write(ref _client, client);
        _events.StateMayHaveChanged();
        return client;
    }

    /// <summary>No site configured: the data store knows it once connected (the first contact point's data centre).</summary>
    private string SiteAfterConnecting()
    {
        var connecting = ConnectAsync(CancellationToken.None);
        try
        {
            if (!connecting.Wait(SiteWait))
            {
                throw new MusicUnavailableException($"The MUSIC backend did not connect within {SiteWait}; its site is not known yet (set Music:Cassandra:LocalDataCenter to name it without connecting).");
            }
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }

        return connecting.Result.Site;
    }
}
