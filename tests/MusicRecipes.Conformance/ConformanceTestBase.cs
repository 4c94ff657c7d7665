using MusicRecipes.Testing;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Conformance;

/// <summary>
/// Client bookkeeping shared by the conformance suites: every client a test creates is disposed after it, and so is the
/// backend (each test class instance makes its own). A suite whose every test needs a fault names it in
/// <see cref="RequiredFaults"/>, so a backend without it fails every test of the suite before it starts.
/// </summary>
public abstract class ConformanceTestBase : IAsyncLifetime
{
    /// <summary>How long any single wait in a conformance test may take on a real cluster.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly List<IMusicClient> _clients = new();

    /// <summary>The backend under test.</summary>
    protected abstract IMusicTestBackend Backend { get; }

    /// <summary>The faults every test of the suite injects; a backend lacking one fails the test before it runs.</summary>
    protected virtual MusicTestBackendFaults RequiredFaults => MusicTestBackendFaults.None;

    /// <summary>Creates a client that is disposed when the test ends.</summary>
    protected async Task<IMusicClient> ClientAsync(int site, MusicClientOptions? options = null) =>
        Track(await Backend.CreateClientAsync(site, options));

    /// <summary>Disposes <paramref name="client"/> when the test ends.</summary>
    protected IMusicClient Track(IMusicClient client)
    {
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>Creates a ticket on <paramref name="keys"/> and waits until it holds them.</summary>
    protected static Task<LockRef> HoldAsync(IMusicClient client, params string[] keys) =>
        HoldAsync(client, Locking.TicketMode.Exclusive, keys);

    /// <summary>Creates a ticket of <paramref name="mode"/> on <paramref name="keys"/> and waits until it holds them.</summary>
    protected static async Task<LockRef> HoldAsync(IMusicClient client, Locking.TicketMode mode, params string[] keys)
    {
        var lockRef = await client.CreateLockRefAsync(keys, mode);
        await client.WaitForLockAsync(lockRef, Patience);
        return lockRef;
    }

    /// <summary>Polls a condition that an asynchronous notification will make true (test-side only).</summary>
    protected static Task WaitUntilAsync(Func<bool> condition) => Eventually.TrueAsync(condition, Patience, "the condition becomes true");

    /// <inheritdoc />
    public virtual Task InitializeAsync()
    {
        MusicTestBackendNotSupportedException.ThrowIfLacking(Backend, RequiredFaults);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        IMusicClient[] clients;
        lock (_clients)
        {
            clients = _clients.ToArray();
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        // Each test class instance builds its own backend: it goes with the test.
        await Backend.DisposeAsync();
    }
}
