using System.Globalization;
using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Tests.Run;
using MusicRecipes.Reliability.Worker.Workloads;
using MusicRecipes.Testing;

namespace MusicRecipes.Reliability.Tests.Processes;

/// <summary>
/// The run's client processes: at every site one worker (or more: "s0-raw", "s0-rawb", …) for each counter workload
/// (raw MUSIC operations, and <c>MusicMutex</c>). A killed worker is replaced by a new process of the same role ("s1-raw.2", …) with a session of
/// its own. If the test host goes, the workers go too: they stop when their stdin closes, and the fleet kills them on
/// exit (a frozen one cannot read its stdin).
/// </summary>
internal sealed class WorkerFleet : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Roles = [CounterKinds.Raw, CounterKinds.Mutex];
    private readonly ReliabilityEnvironment _environment;
    private readonly WorkerHistory _history;
    private readonly IReadOnlyList<string> _counters;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly List<WorkerProcess> _live = [];
    private readonly List<WorkerProcess> _all = [];
    private readonly Dictionary<string, int> _generations = new(StringComparer.Ordinal);
    private readonly int _workersPerWorkload;

    public WorkerFleet(ReliabilityEnvironment environment, WorkerHistory history, IReadOnlyList<string> counters, int workersPerWorkload, Random random)
    {
        _workersPerWorkload = workersPerWorkload;
        _environment = environment;
        _history = history;
        _counters = counters;
        _random = random;
        AppDomain.CurrentDomain.ProcessExit += KillAllOnExit;
    }

    /// <summary>Workers that run (possibly frozen) and were not killed.</summary>
    public IReadOnlyList<WorkerProcess> Live
    {
        get
        {
            lock (_gate)
            {
                return _live.Where(w => !w.HasExited).ToArray();
            }
        }
    }

    /// <summary>Every worker process started (replacements included).</summary>
    public IReadOnlyList<WorkerProcess> All
    {
        get
        {
            lock (_gate)
            {
                return _all.ToArray();
            }
        }
    }

    public int Started => All.Count;

    /// <summary>Starts every site's workers and waits until all are connected and working.</summary>
    public async Task StartAsync()
    {
        var workers = Enumerable.Range(0, ReliabilitySettings.Sites)
            .SelectMany(site => Roles.SelectMany(role => Enumerable.Range(0, _workersPerWorkload).Select(copy => StartWorker(site, role, copy))))
            .ToList();
        await Task.WhenAll(workers.Select(w => w.WaitUntilReadyAsync(ReadyTimeout)));
    }

    /// <summary>SIGKILLs <paramref name="worker"/>; its open holds end at the returned moment. It is no longer live.</summary>
    public async Task<long> KillAsync(WorkerProcess worker)
    {
        lock (_gate)
        {
            _live.Remove(worker);
        }

        var at = await worker.KillAsync();
        _history.HolderDied(worker.Name, at);
        return at;
    }

    /// <summary>Starts a new process in the role of the killed <paramref name="worker"/>.</summary>
    public Task ReplaceAsync(WorkerProcess worker) =>
        StartWorker(worker.Options.Site, worker.Options.AcquireKind, worker.Options.Copy).WaitUntilReadyAsync(ReadyTimeout);

    /// <summary>Asks every worker to finish its hold and stop; returns how many did not stop cleanly.</summary>
    public async Task<int> StopAllAsync()
    {
        var stopped = await Task.WhenAll(Live.Select(w => w.StopAsync(StopTimeout)));
        lock (_gate)
        {
            _live.Clear();
        }

        return stopped.Count(ok => !ok);
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillAllOnExit;
        foreach (var worker in Live)
        {
            await worker.KillAsync();
        }
    }

    private WorkerProcess StartWorker(int site, string role, int copy)
    {
        WorkerProcess worker;
        lock (_gate)
        {
            var name = $"s{site}-{(role == CounterKinds.Raw ? "raw" : "mutex")}{(copy == 0 ? string.Empty : ((char)('a' + copy)).ToString())}";
            var generation = _generations[name] = _generations.GetValueOrDefault(name) + 1;
            var options = _environment.WorkerOptionsFor(
                site,
                generation == 1 ? name : name + "." + generation.ToString(CultureInfo.InvariantCulture),
                role,
                _counters,
                _random.Next()) with { Copy = copy };
            worker = WorkerProcess.Start(options, _history);
            _live.Add(worker);
            _all.Add(worker);
        }

        return worker;
    }

    private void KillAllOnExit(object? sender, EventArgs e)
    {
        foreach (var worker in Live.Where(w => !w.HasExited))
        {
            UnixSignals.Kill(worker.Pid);
        }
    }
}
