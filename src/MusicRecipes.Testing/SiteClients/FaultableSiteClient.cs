using MusicRecipes.Cql;
using MusicRecipes.Locking;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Testing.SiteClients;

/// <summary>
/// A <see cref="MusicClient"/> at a site whose links to the servers go through <see cref="TcpFaultProxy"/>s of its own
/// (built by <see cref="SiteClientBuilder"/>), so a test can crash it, or cut and heal its lock or data links, without
/// touching the servers or any other client.
/// </summary>
/// <remarks>
/// A crashed client never says goodbye: disposing it does not release its tickets or close its lock session (that
/// would free its locks at once, which a dead process cannot do); it only stops the lock store's reconnects and
/// renewals, whose links stay cut, so the lock service expires the session after its timeout and only then frees
/// the locks. A client that did not crash is disposed as any MUSIC client is: it releases what it holds first.
/// </remarks>
/// <example>
/// <code>
/// await using var client = await new SiteClientBuilder(site: 1)
///     .WithSharedDataStore(dataStoreOfSite1)
///     .WithZooKeeperLocks(ensembleEndPoints, new ZooKeeperClientOptions { SessionTimeout = TimeSpan.FromSeconds(4) }, new ZooKeeperLockStoreOptions())
///     .BuildAsync();
/// client.CutLocks();   // the site is cut off from the lock service
/// client.HealLocks();
/// client.Crash();      // the process dies: both links cut for good; its locks go when its session expires
/// </code>
/// </example>
public sealed class FaultableSiteClient : DelegatingMusicClient
{
    private readonly MusicClient _inner;
    private readonly SiteLockStore _locks;
    private readonly CqlSession? _dataSession;
    private readonly IReadOnlyList<TcpFaultProxy> _lockLinks;
    private readonly TcpFaultProxy? _dataLink;
    private int _crashed;
    private int _disposed;

    internal FaultableSiteClient(int siteIndex, MusicClient inner, SiteLockStore locks, IReadOnlyList<TcpFaultProxy> lockLinks, TcpFaultProxy? dataLink, CqlSession? dataSession)
        : base(inner)
    {
        SiteIndex = siteIndex;
        _inner = inner;
        _locks = locks;
        _lockLinks = lockLinks;
        _dataLink = dataLink;
        _dataSession = dataSession;
    }

    /// <summary>The 0-based index of the client's site.</summary>
    public int SiteIndex { get; }

    /// <summary>The client's lock store, below any decoration: what a test expires the session of.</summary>
    public ILockStore LockStore => _locks.Store;

    /// <summary>Whether <see cref="Crash"/> was called.</summary>
    public bool IsCrashed => Volatile.Read(ref _crashed) != 0;

    /// <summary>Whether the client's data goes through a link of its own (<see cref="CutData"/> needs one).</summary>
    public bool HasDataLink => _dataLink is not null;

    /// <summary>The process dies: every link of the client is cut and stays cut; nothing is closed.</summary>
    public void Crash()
    {
        Volatile.Write(ref _crashed, 1);
        CutLocks();
        _dataLink?.Cut();
    }

    /// <summary>Cuts the client's lock links: connections drop, new ones are refused.</summary>
    public void CutLocks()
    {
        foreach (var link in _lockLinks)
        {
            link.Cut();
        }
    }

    /// <summary>Heals the client's lock links, unless it crashed (a dead process does not come back).</summary>
    public void HealLocks()
    {
        if (IsCrashed)
        {
            return;
        }

        foreach (var link in _lockLinks)
        {
            link.Heal();
        }
    }

    /// <summary>Cuts the client's data link (only a client whose data goes through a link of its own has one).</summary>
    public void CutData() => DataLink().Cut();

    /// <summary>Heals the client's data link, unless it crashed.</summary>
    public void HealData()
    {
        if (!IsCrashed)
        {
            DataLink().Heal();
        }
    }

    /// <summary>
    /// Closes the client (a crashed one without a goodbye: see the remarks), then the sessions it owns, then its links.
    /// Safe to call more than once, as a test and its backend may both do.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (IsCrashed)
        {
            await _locks.Abandon().ConfigureAwait(false);
        }
        else
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }

        if (_locks.Connection is not null)
        {
            await _locks.Connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_dataSession is not null)
        {
            await _dataSession.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var link in _lockLinks)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        if (_dataLink is not null)
        {
            await _dataLink.DisposeAsync().ConfigureAwait(false);
        }
    }

    private TcpFaultProxy DataLink() =>
        _dataLink ?? throw new InvalidOperationException($"The client at site {SiteIndex} shares its site's data store: it has no data link of its own to cut.");
}
