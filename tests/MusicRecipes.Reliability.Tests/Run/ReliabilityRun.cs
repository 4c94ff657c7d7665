using System.Diagnostics;
using MusicRecipes.Recipes.Queue;
using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Tests.Nemesis;
using MusicRecipes.Reliability.Tests.Processes;
using MusicRecipes.Reliability.Tests.Workloads;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>
/// One reliability run: start the real clusters (as processes or containers, <see cref="ReliabilitySettings.Backend"/>), run the counter workloads in worker processes and the work queue in
/// this process on three sites while the nemesis injects faults, stop the workers, repair everything, let the queue
/// drain, audit the final state, and check the histories.
/// </summary>
internal sealed class ReliabilityRun(ReliabilitySettings settings, Action<string> log)
{
    private readonly RunClock _clock = new();
    private readonly OperationHistory _operations = new();
    private readonly WorkQueueHistory _queueHistory = new();
    private readonly FaultLog _faults = new();
    private readonly HistoryLog _log = new();
    private readonly Dictionary<string, TimeSpan> _phases = [];
    private WorkerHistory? _workerHistory;

    public async Task<ReliabilityFindings> ExecuteAsync()
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var counters = Enumerable.Range(0, 3).Select(i => $"reliability/{runId}/counter{i}").ToArray();
        var random = new Random(settings.Seed);
        log($"seed {settings.Seed}, workload {settings.Workload.TotalSeconds:F0} s, {settings.WorkersPerWorkload} worker(s) per workload and site, servers as {settings.Backend.ToString().ToLowerInvariant()}");

        var phase = Stopwatch.StartNew();
        await using var environment = await ReliabilityEnvironment.StartAsync(settings.Backend, CancellationToken.None);
        _phases["cluster start"] = phase.Elapsed;

        phase.Restart();
        var workerHistory = _workerHistory = new WorkerHistory(_operations);
        await using var fleet = new WorkerFleet(environment, workerHistory, counters, settings.WorkersPerWorkload, new Random(random.Next()));
        await fleet.StartAsync();
        var queue = new QueueWorkload($"reliability-{runId}", _queueHistory, _operations);
        var tasks = new List<Task>();
        var queueWorkers = new List<(SiteClient Client, MusicWorkQueue Queue, Random Random)>();
        for (var site = 0; site < ReliabilitySettings.Sites; site++)
        {
            var queueClient = await environment.CreateClientAsync(site, $"s{site}-queue", _log, CancellationToken.None);
            queueWorkers.Add((queueClient, queue.Open(queueClient), new Random(random.Next())));
        }

        _phases["workers start"] = phase.Elapsed;
        phase.Restart();
        using var stop = new CancellationTokenSource(settings.Workload);
        foreach (var (client, siteQueue, workerRandom) in queueWorkers)
        {
            var producerRandom = new Random(random.Next());
            tasks.Add(Task.Run(() => queue.ProduceAsync(client, siteQueue, producerRandom, settings.ProducerPace, stop.Token)));
            tasks.Add(Task.Run(() => queue.WorkAsync(client, siteQueue, workerRandom, stop.Token)));
        }

        var nemesis = new FaultNemesis(environment, fleet, workerHistory, _faults, new Random(random.Next()), settings.FaultGapFactor).RunAsync(settings.Workload, stop.Token);
        await Task.WhenAll(tasks);
        await nemesis;
        var unstopped = await fleet.StopAllAsync();
        _phases["workload"] = phase.Elapsed;

        phase.Restart();
        await environment.RecoverAllAsync(CancellationToken.None);
        foreach (var client in environment.Clients)
        {
            using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.Locks.Client.WaitUntilConnectedAsync(connect.Token);
        }

        _phases["recovery"] = phase.Elapsed;
        phase.Restart();
        var auditor = await environment.CreateClientAsync(0, "auditor", _log, CancellationToken.None);
        var auditQueue = queue.Open(auditor);
        await DrainAsync(queue, queueWorkers, auditQueue);
        _phases["drain"] = phase.Elapsed;

        phase.Restart();
        var owners = SessionOwners(environment, fleet);
        var finals = await FinalAudit.CountersAsync(auditor, owners, counters, CancellationToken.None);
        var done = await FinalAudit.ItemsDoneAsync(auditQueue, _queueHistory.Items, CancellationToken.None);
        var unfinished = await UnfinishedItemViews.DescribeAsync(
            queueWorkers.Select(w => (w.Client, w.Queue)),
            auditor,
            owners,
            _queueHistory.Submissions.Where(s => s.Value == OperationOutcome.Acknowledged && !done.GetValueOrDefault(s.Key)).Select(s => s.Key));
        _phases["audit"] = phase.Elapsed;

        var timelines = workerHistory.Timelines;
        return new ReliabilityFindings(
            settings.Seed,
            settings.Workload,
            _phases,
            _operations,
            _faults,
            HistoryChecker.Check(workerHistory.HoldRecords, finals),
            CriticalReadChecker.Check(_operations.Records),
            WorkQueueChecker.Check(_queueHistory.SubmissionRecords, _queueHistory.Claims, done),
            LossTimingChecker.Check(timelines, _faults.InstantRemovals))
        {
            ReclaimedItems = _queueHistory.Claims.GroupBy(c => c.Item, StringComparer.Ordinal).Count(g => g.Count() > 1),
            WorkerProcesses = fleet.Started,
            KilledHolds = KilledHoldFigures.Of(timelines),
            LongestStalls = StallFigures.Describe(_operations, _clock),
            UnfinishedItems = unfinished,
            RunProblems = workerHistory.Problems.Concat(unstopped == 0 ? [] : [$"{unstopped} worker(s) did not stop cleanly"]).ToList(),
        };
    }

    /// <summary>Every client's ZooKeeper session ids, for naming the holders of a key the audit cannot lock.</summary>
    private static IReadOnlyDictionary<string, string> SessionOwners(ReliabilityEnvironment environment, WorkerFleet fleet) =>
        environment.Clients.Select(c => (Session: c.Locks.Client.SessionId, c.Name))
            .Concat(fleet.All.Where(w => w.Session is not null).Select(w => (Session: w.Session!.SessionId, w.Name)))
            .GroupBy(o => ZooKeeper.ZooKeeperLockStore.FormatSessionId(o.Session), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Name, StringComparer.Ordinal);

    public string WriteHistory() => HistoryDump.Write(settings.Seed, _clock, _operations, _faults, (_workerHistory?.Notes ?? []).Concat(_log.Entries));

    public string Excerpt(IReadOnlyList<string> violations) => HistoryDump.Excerpt(violations, _clock, _operations, _faults);

    /// <summary>
    /// Workers keep claiming after the faults stop until every acknowledged submission has an acknowledged
    /// completion, or the queue has been quiet for a while and the remaining items read as done (a completion that
    /// was indeterminate may well have landed), or no claim was made for <see cref="ReliabilitySettings.DrainTimeout"/>
    /// (the checker then reports what is left).
    /// </summary>
    private async Task DrainAsync(QueueWorkload queue, List<(SiteClient Client, MusicWorkQueue Queue, Random Random)> workers, MusicWorkQueue auditQueue)
    {
        using var drained = new CancellationTokenSource();
        var working = workers.Select(w => Task.Run(() => queue.WorkAsync(w.Client, w.Queue, w.Random, drained.Token))).ToArray();
        var overall = Stopwatch.StartNew();
        while (overall.Elapsed < ReliabilitySettings.MaxDrain && Stopwatch.GetElapsedTime(queue.LastClaimAt) < settings.DrainTimeout)
        {
            await Task.Delay(1000);
            var completed = _queueHistory.Claims.Where(c => c.Completion == OperationOutcome.Acknowledged).Select(c => c.Item).ToHashSet(StringComparer.Ordinal);
            var pending = _queueHistory.Submissions.Where(s => s.Value == OperationOutcome.Acknowledged && !completed.Contains(s.Key)).Select(s => s.Key).ToList();
            if (pending.Count == 0)
            {
                break;
            }

            if (Stopwatch.GetElapsedTime(queue.LastClaimAt) > TimeSpan.FromSeconds(4)
                && (await FinalAudit.ItemsDoneAsync(auditQueue, pending, CancellationToken.None)).Values.All(d => d))
            {
                break;
            }
        }

        await drained.CancelAsync();
        await Task.WhenAll(working);
    }
}
