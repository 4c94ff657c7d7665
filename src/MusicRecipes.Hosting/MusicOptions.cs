using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using MusicRecipes.InMemory;
using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes.Hosting;

/// <summary>
/// Options of <see cref="MusicServiceCollectionExtensions.AddMusic"/>: bound from the configuration section
/// <c>Music</c> first, then changed by the configure delegate (so code wins over configuration).
/// </summary>
/// <remarks>
/// <para>The embedded in-memory backend is chosen here (<see cref="MusicOptionsInMemoryExtensions.UseInMemory(MusicOptions, int?, int?)"/>);
/// the Cassandra and ZooKeeper backends live in their own packages (MusicRecipes.Hosting.Cassandra,
/// MusicRecipes.Hosting.ZooKeeper), chosen on the builder <c>AddMusic</c> returns, so an application references only
/// the backends it uses. Backends plug in through three extension points, so backend packages add their own
/// <c>Use…</c> methods without this project knowing them: <see cref="UseClientFactory(Func{IServiceProvider, MusicClientOptions, IMusicClient})"/> (a whole client, as the in-memory backend does),
/// or <see cref="UseDataStore(Func{IServiceProvider, IDataStore})"/> plus <see cref="UseLockStore(Func{IServiceProvider, ILockStore})"/> (combined into a <see cref="MusicClient"/>, for
/// example Cassandra data with ZooKeeper locks). A backend package writes, say,
/// <c>public static IMusicBuilder UseMyLocks(this IMusicBuilder b) { b.Services.Configure&lt;MusicOptions&gt;(o =&gt; o.UseLockStore(sp =&gt; …)); return b; }</c>.</para>
/// <example>
/// <code>
/// builder.Services.AddMusic(o =>
/// {
///     o.UseInMemory(sites: 3, site: 0);
///     o.HoldLease = TimeSpan.FromSeconds(30);
/// });
/// </code>
/// </example>
/// </remarks>
public sealed class MusicOptions
{
    /// <summary>Settings of the in-memory backend.</summary>
    [ValidateObjectMembers]
    public InMemoryBackendOptions InMemory { get; set; } = new();

    /// <summary>How long one hold may last (<see cref="MusicClientOptions.HoldLease"/>). Default none.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "10675199.02:48:05.4775807", ErrorMessage = "Music:HoldLease must be positive (or left out for no hold lease).")]
    public TimeSpan? HoldLease { get; set; }

    /// <summary>Clock-skew allowance when judging another holder's lease. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "10675199.02:48:05.4775807", ErrorMessage = "Music:ClockSkewAllowance must not be negative.")]
    public TimeSpan ClockSkewAllowance { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest value accepted, in bytes. Default 1 MiB.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Music:MaxValueBytes must be at least {1}.")]
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>The retry policy for transient backend faults.</summary>
    [ValidateObjectMembers]
    public MusicResilienceOptions Resilience { get; set; } = new();

    internal Func<IServiceProvider, MusicClientOptions, IMusicClient>? ClientFactory { get; private set; }

    internal Func<IServiceProvider, CancellationToken, Task<IDataStore>>? DataStoreFactory { get; private set; }

    internal Func<IServiceProvider, CancellationToken, Task<ILockStore>>? LockStoreFactory { get; private set; }

    /// <summary>The site the data store will report, when its settings name it before it connects.</summary>
    internal Func<IServiceProvider, string?>? DataStoreSiteHint { get; private set; }

    /// <summary>Whether <c>UseInMemory</c> chose the embedded backend (the last <c>Use…</c> call wins).</summary>
    internal bool InMemoryChosen { get; set; }

    internal InMemoryMusicCluster? SharedCluster { get; set; }

    /// <summary>Chooses the embedded backend: the last <c>Use…</c> call wins, so the other halves are dropped.</summary>
    internal void ChooseInMemory(InMemoryMusicCluster? sharedCluster)
    {
        ClientFactory = null;
        DataStoreFactory = null;
        DataStoreSiteHint = null;
        LockStoreFactory = null;
        SharedCluster = sharedCluster;
        InMemoryChosen = true;
    }

    /// <summary>Extension point: the backend creates the whole client (given the client options built from these options).</summary>
    /// <example>
    /// <code>
    /// o.UseClientFactory((sp, clientOptions) => myCluster.CreateClient(site: 2, clientOptions));
    /// </code>
    /// </example>
    public MusicOptions UseClientFactory(Func<IServiceProvider, MusicClientOptions, IMusicClient> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ClientFactory = factory;
        InMemoryChosen = false;
        return this;
    }

    /// <summary>
    /// Extension point: the backend creates the whole client asynchronously (for example over the network). The host
    /// creates it when it starts, or at the client's first call; resolving <see cref="IMusicClient"/> never blocks.
    /// </summary>
    /// <param name="factory">Creates and connects the client.</param>
    /// <param name="site">The site the client will report, when it is known before it connects (else reading
    /// <see cref="IMusicClient.Site"/> before the connection waits for it, up to 30 s).</param>
    /// <example>
    /// <code>
    /// o.UseClientFactory(async (sp, clientOptions, ct) => await MyBackend.ConnectClientAsync(site: 2, clientOptions, ct), site: "dc3");
    /// </code>
    /// </example>
    public MusicOptions UseClientFactory(Func<IServiceProvider, MusicClientOptions, CancellationToken, Task<IMusicClient>> factory, string? site = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ClientFactory = (sp, clientOptions) => new ConnectingMusicClient(ct => factory(sp, clientOptions, ct), site);
        InMemoryChosen = false;
        return this;
    }

    /// <summary>Extension point: the AP data store (for example Cassandra); combine with <see cref="UseLockStore(Func{IServiceProvider, ILockStore})"/>.</summary>
    /// <example>
    /// <code>
    /// o.UseDataStore(sp => new MyDataStore(sp.GetRequiredService&lt;MySession&gt;()));
    /// </code>
    /// </example>
    public MusicOptions UseDataStore(Func<IServiceProvider, IDataStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return UseDataStore((sp, _) => Task.FromResult(factory(sp)), siteHint: null);
    }

    /// <summary>
    /// Extension point: an AP data store that connects asynchronously. The host connects it when it starts (or at the
    /// client's first use), never while the container resolves <see cref="IMusicClient"/>.
    /// </summary>
    /// <param name="factory">Creates and connects the data store.</param>
    /// <param name="siteHint">The site the data store will report, when its settings name it before it connects (else
    /// reading <see cref="IMusicClient.Site"/> before the connection waits for it, up to 30 s).</param>
    /// <example>
    /// <code>
    /// o.UseDataStore(async (sp, ct) => await MyDataStore.ConnectAsync(sp.GetRequiredService&lt;MySettings&gt;(), ct));
    /// </code>
    /// </example>
    public MusicOptions UseDataStore(Func<IServiceProvider, CancellationToken, Task<IDataStore>> factory, Func<IServiceProvider, string?>? siteHint = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        DataStoreFactory = factory;
        DataStoreSiteHint = siteHint;
        ClientFactory = null;
        InMemoryChosen = false;
        return this;
    }

    /// <summary>Extension point: the CP lock store (for example ZooKeeper or Cassandra LWT); combine with <see cref="UseDataStore(Func{IServiceProvider, IDataStore})"/>.</summary>
    /// <example>
    /// <code>
    /// o.UseLockStore(sp => new MyLockStore(sp.GetRequiredService&lt;MyZooKeeperClient&gt;()));
    /// </code>
    /// </example>
    public MusicOptions UseLockStore(Func<IServiceProvider, ILockStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return UseLockStore((sp, _) => Task.FromResult(factory(sp)));
    }

    /// <summary>Extension point: a CP lock store that connects asynchronously (see <see cref="UseDataStore(Func{IServiceProvider, CancellationToken, Task{IDataStore}}, Func{IServiceProvider, string})"/>).</summary>
    /// <example>
    /// <code>
    /// o.UseLockStore(async (sp, ct) => await MyLockStore.OpenAsync("zk1:2181", ct));
    /// </code>
    /// </example>
    public MusicOptions UseLockStore(Func<IServiceProvider, CancellationToken, Task<ILockStore>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        LockStoreFactory = factory;
        ClientFactory = null;
        InMemoryChosen = false;
        return this;
    }
}
