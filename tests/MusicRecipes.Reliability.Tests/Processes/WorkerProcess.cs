using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MusicRecipes.Reliability.Worker;
using MusicRecipes.Reliability.Worker.Reporting;
using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Tests.Processes;

/// <summary>
/// One client in an OS process of its own (<c>dotnet MusicRecipes.Reliability.Worker.dll</c>), so the nemesis can
/// freeze it (SIGSTOP — the process, its timers and its heartbeats stop, its sockets stay open) and crash it (SIGKILL).
/// Its stdout lines go to an <see cref="IWorkerEventSink"/>; its latest ZooKeeper session is kept for the nemesis.
/// </summary>
internal sealed class WorkerProcess
{
    private const string WorkerAssembly = "MusicRecipes.Reliability.Worker.dll";
    private readonly Process _process;
    private readonly IWorkerEventSink _sink;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly Task _reading;
    private ZooKeeperSessionCredentials? _session;
    private int _ending;

    private WorkerProcess(WorkerOptions options, Process process, IWorkerEventSink sink)
    {
        Options = options;
        _process = process;
        _sink = sink;
        _reading = Task.Run(ReadReportsAsync);
        _ = Task.Run(ReadErrorsAsync);
    }

    public WorkerOptions Options { get; }

    public string Name => Options.Name;

    public int Pid => _process.Id;

    /// <summary>True while frozen by <see cref="Pause"/>.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>True once the process ended (killed, stopped or failed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The worker's current ZooKeeper session, as it last reported it.</summary>
    public ZooKeeperSessionCredentials? Session => Volatile.Read(ref _session);

    public static WorkerProcess Start(WorkerOptions options, IWorkerEventSink sink)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, WorkerAssembly));
        start.ArgumentList.Add(options.ToArgument());
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the worker " + options.Name);
        return new WorkerProcess(options, process, sink);
    }

    /// <summary>Waits until the worker connected to both clusters and began its workload.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_ready.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        if (!_ready.Task.IsCompleted)
        {
            throw new InvalidOperationException($"Worker {Name} did not get ready within {timeout.TotalSeconds:F0} s{(finished == _ready.Task ? string.Empty : " (it exited)")}:\n{StderrTail()}");
        }
    }

    /// <summary>Freezes the process (SIGSTOP).</summary>
    public void Pause()
    {
        UnixSignals.Stop(Pid);
        IsPaused = true;
    }

    /// <summary>Thaws the process (SIGCONT).</summary>
    public void Resume()
    {
        UnixSignals.Continue(Pid);
        IsPaused = false;
    }

    /// <summary>Crashes the process (SIGKILL) and waits until it is gone and its reports are read; returns when the signal was sent.</summary>
    public async Task<long> KillAsync()
    {
        Interlocked.Exchange(ref _ending, 1);
        var at = Stopwatch.GetTimestamp();
        UnixSignals.Kill(Pid);
        IsPaused = false;
        await _process.WaitForExitAsync();
        await _reading;
        return at;
    }

    /// <summary>Asks the worker to finish its hold and close its session; kills it if it does not within <paramref name="timeout"/>. True if it stopped cleanly.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        Interlocked.Exchange(ref _ending, 1);
        if (_process.HasExited)
        {
            await _reading;
            return _process.ExitCode == 0;
        }

        if (IsPaused)
        {
            Resume();
        }

        try
        {
            await _process.StandardInput.WriteLineAsync(WorkerProgram.StopCommand);
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited meanwhile.
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _sink.Problem(Name, $"did not stop within {timeout.TotalSeconds:F0} s and was killed:\n{StderrTail()}");
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        await _reading;
        return _process.ExitCode == 0;
    }

    private async Task ReadReportsAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            WorkerEvent report;
            try
            {
                report = WorkerEvent.FromLine(line);
            }
            catch (JsonException)
            {
                _sink.Problem(Name, "wrote a line that is not a report: " + line);
                continue;
            }

            switch (report.Type)
            {
                case WorkerEventType.Ready:
                    _ready.TrySetResult();
                    break;
                case WorkerEventType.Session when report is { SessionId: { } id, SessionPassword: { } password }:
                    Volatile.Write(ref _session, new ZooKeeperSessionCredentials(id, password));
                    break;
                case WorkerEventType.Error:
                    _sink.Problem(Name, "failed: " + report.Reason);
                    break;
            }

            _sink.Accept(Name, report);
        }

        await _process.WaitForExitAsync();
        if (Volatile.Read(ref _ending) == 0)
        {
            _sink.Problem(Name, $"exited with code {_process.ExitCode} though nobody asked it to:\n{StderrTail()}");
        }
    }

    private async Task ReadErrorsAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            _stderr.Enqueue(line);
            while (_stderr.Count > 40 && _stderr.TryDequeue(out _))
            {
            }
        }
    }

    private string StderrTail() => string.Join('\n', _stderr);

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";
}
