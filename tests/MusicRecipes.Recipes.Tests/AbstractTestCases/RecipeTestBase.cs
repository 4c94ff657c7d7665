using MusicRecipes.Locking;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Recipes.Tests.AbstractTestCases;

/// <summary>
/// Shared plumbing of the recipe suites: a backend per test (the test kit's <see cref="IMusicTestBackend"/>: clients at
/// each site, and the faults a suite injects — expiry, crash, cut-off — which a backend lacking them refuses loudly),
/// clients disposed after the test, unique names (so a backend shared between tests never mixes their keys), and
/// bounded waits. A bounded wait fails only when the
/// awaited thing never happens within <see cref="Patience"/>; no test asserts on how fast anything is.
/// </summary>
public abstract class RecipeTestBase : IAsyncLifetime
{
    /// <summary>How long any single wait may take before the test fails.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly List<IMusicClient> _clients = new();
    private IMusicTestBackend? _backend;

    /// <summary>The backend under test, created per test.</summary>
    protected IMusicTestBackend Backend => _backend ?? throw new InvalidOperationException("The backend is created in InitializeAsync.");

    /// <summary>Creates the backend under test.</summary>
    protected abstract Task<IMusicTestBackend> CreateBackendAsync();

    /// <summary>A name unique to this test run.</summary>
    protected static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>Creates a client that is disposed when the test ends (its lock store wrapped by <paramref name="decorateLocks"/>, if given).</summary>
    protected async Task<IMusicClient> ClientAsync(int site, MusicClientOptions? options = null, Func<ILockStore, ILockStore>? decorateLocks = null)
    {
        var client = await Backend.CreateClientAsync(site, options, decorateLocks);
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test if it never does within <see cref="Patience"/>.</summary>
    protected static Task EventuallyAsync(Func<bool> condition, string what) => Eventually.TrueAsync(condition, Patience, what);

    /// <summary>Waits until <paramref name="condition"/> returns true (polled every 10 ms: the recipe suites' conditions are cheap); fails the test if it never does within <see cref="Patience"/>.</summary>
    protected static Task EventuallyAsync(Func<Task<bool>> condition, string what) => Eventually.TrueAsync(condition, Patience, what, TimeSpan.FromMilliseconds(10));

    /// <summary>Awaits a task, failing the test if it does not complete within <see cref="Patience"/>.</summary>
    protected static Task<T> WithinPatience<T>(Task<T> task, string what) => Eventually.WithinAsync(task, Patience, what);

    /// <summary>Awaits a task, failing the test if it does not complete within <see cref="Patience"/>.</summary>
    protected static Task WithinPatience(Task task, string what) => Eventually.WithinAsync(task, Patience, what);

    /// <summary>A task that completes when <paramref name="token"/> is cancelled.</summary>
    protected static Task WhenCancelled(CancellationToken token)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => completion.TrySetResult());
        return completion.Task;
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _backend = await CreateBackendAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
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

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }
}
