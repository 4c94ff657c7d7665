using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace MusicRecipes.Testing;

/// <summary>
/// One server JVM (a Cassandra node, a ZooKeeper server) run as a child of the test host, which it must not outlive.
/// Three layers: the JVM runs under a watchdog shell that reads its stdin, a pipe from this process, and SIGKILLs the
/// JVM when the pipe closes — the kernel closes it however the host ends, SIGKILL included;
/// <see cref="AppDomain.ProcessExit"/> kills every live one on a normal exit; and a pid file per server slot (the ports
/// two runs would share) lets the next run kill a server a crashed run left behind. That last kill happens only when the
/// pid's command line still names the server: the pid may since have gone to an unrelated process.
/// </summary>
internal sealed class ChildServerProcess
{
    // $0 names the server in ps; "$@" are java's arguments. A backgrounded simple command is a forked child that execs
    // java, so $! is the JVM's pid. The loop ends at end of file on stdin, i.e. when no one holds the pipe's write end.
    // Java's stdin is /dev/null so that nothing but the shell ever reads the pipe.
    private const string WatchdogScript =
        "java \"$@\" >>\"$SERVER_LOG\" 2>&1 </dev/null & server=$!; echo $server >\"$SERVER_PIDFILE\"; " +
        "while read -r _; do :; done; kill -9 $server 2>/dev/null; wait $server 2>/dev/null; exit 0";

    private static readonly ConcurrentDictionary<ChildServerProcess, byte> Started = new();
    private static int _exitHooked;

    private readonly string _pidFile;
    private readonly string _commandLineMarker;
    private Process? _watchdog;

    /// <param name="pidDirectory">The directory, under the temporary directory, of this kind of server's pid files.</param>
    /// <param name="slot">The pid file's name without extension: what identifies this server across runs (its ports).</param>
    /// <param name="commandLineMarker">
    /// A string only this kind of server's command line holds (its main class). A pid from the pid file whose command line
    /// lacks it is not a server of ours, and is left alone.
    /// </param>
    public ChildServerProcess(string pidDirectory, string slot, string commandLineMarker)
    {
        var directory = Path.Combine(Path.GetTempPath(), pidDirectory);
        Directory.CreateDirectory(directory);
        _pidFile = Path.Combine(directory, slot + ".pid");
        _commandLineMarker = commandLineMarker;
    }

    /// <summary>The JVM's pid, or 0 when not started (or killed).</summary>
    public int Pid { get; private set; }

    /// <summary>Whether the JVM runs (a paused one does; one that exited and waits for its shell to reap it does not).</summary>
    public bool ServerIsAlive => Pid > 0 && IsAlive(Pid);

    /// <summary>Whether the watchdog shell runs: from <see cref="Start"/> until <see cref="KillAsync"/>, unless someone killed it.</summary>
    public bool WatchdogIsAlive => _watchdog is { HasExited: false };

    /// <summary>
    /// Whether <paramref name="pid"/> runs. A process that died stays a zombie until its parent reaps it — our watchdog
    /// shells do only when their stdin closes — and a zombie still has a /proc entry, so "the /proc entry exists" is not
    /// "it runs": a zombie (state Z) or a dead task (X) counts as exited.
    /// </summary>
    public static bool IsAlive(int pid) => ProcStat.StateOf($"/proc/{pid}/stat") is { } state && !ProcStat.IsEnded(state);

    /// <summary>Kills a server an earlier run left in this slot, if the pid file names a live one; removes the pid file (whatever it holds).</summary>
    public void KillStale()
    {
        if (!File.Exists(_pidFile))
        {
            return;
        }

        if (int.TryParse(File.ReadAllText(_pidFile).Trim(), out var pid) && CommandLineHasMarker(pid))
        {
            UnixSignals.TrySend(pid, UnixSignals.SigKill);
            WaitForExit(pid, TimeSpan.FromSeconds(10));
        }

        File.Delete(_pidFile);
    }

    /// <summary>
    /// Kills a stale server in this slot, then starts java under the watchdog shell and waits until the JVM's pid is known.
    /// </summary>
    /// <param name="name">The shell's <c>$0</c>, so that <c>ps</c> tells the servers apart.</param>
    /// <param name="javaArguments">Java's arguments, each passed as is (no shell quoting).</param>
    /// <param name="logFile">Where the JVM's output goes: appended, so a caller that wants one start's log empties it first.</param>
    /// <param name="workingDirectory">The JVM's working directory.</param>
    public void Start(string name, IEnumerable<string> javaArguments, string logFile, string workingDirectory)
    {
        KillStale();
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(WatchdogScript);
        start.ArgumentList.Add(name);
        foreach (var argument in javaArguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SERVER_LOG"] = logFile;
        start.Environment["SERVER_PIDFILE"] = _pidFile;
        var watchdog = Process.Start(start) ?? throw new InvalidOperationException($"Could not start /bin/sh for {name}.");
        _watchdog = watchdog;
        Track();
        Pid = WaitForPid(name);
    }

    /// <summary>Freezes the JVM (SIGSTOP): its sockets stay open but nothing answers, like a hung server.</summary>
    /// <remarks>Returns once every thread of the JVM is stopped (<see cref="UnixSignals.Stop"/> says why that matters).</remarks>
    public void Pause() => UnixSignals.TryStop(Pid);

    /// <summary>Unfreezes the JVM (SIGCONT).</summary>
    public void Resume() => UnixSignals.TrySend(Pid, UnixSignals.SigCont);

    /// <summary>SIGKILLs the JVM (no clean shutdown, like a crash), waits until it is gone, and ends its watchdog.</summary>
    public async Task KillAsync()
    {
        var watchdog = Interlocked.Exchange(ref _watchdog, null);
        if (watchdog is null)
        {
            return;
        }

        UnixSignals.TrySend(Pid, UnixSignals.SigKill);
        await WaitForExitAsync(Pid, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        try
        {
            // The shell reaps the JVM and exits.
            watchdog.StandardInput.Close();
        }
        catch (IOException)
        {
            // The shell is gone already.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await watchdog.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            watchdog.Kill(entireProcessTree: true);
        }

        Started.TryRemove(this, out _);
        watchdog.Dispose();
        File.Delete(_pidFile);
        Pid = 0;
    }

    private static void WaitForExit(int pid, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (IsAlive(pid) && watch.Elapsed < timeout)
        {
            Thread.Sleep(20);
        }
    }

    private static async Task WaitForExitAsync(int pid, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (IsAlive(pid) && watch.Elapsed < timeout)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private void Track()
    {
        if (Interlocked.Exchange(ref _exitHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                foreach (var server in Started.Keys)
                {
                    UnixSignals.TrySend(server.Pid, UnixSignals.SigKill);
                    try
                    {
                        server._watchdog?.Kill();
                    }
                    catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                        // Exited (or disposed by a kill under way) already.
                    }
                }
            };
        }

        Started[this] = 0;
    }

    /// <summary>The pid the shell writes; it is whole once the shell's newline follows it.</summary>
    private int WaitForPid(string name)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var text = File.Exists(_pidFile) ? File.ReadAllText(_pidFile) : string.Empty;
            if (text.EndsWith('\n') && int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                return pid;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"{name} did not start: its watchdog shell wrote no pid to {_pidFile}.");
            }

            Thread.Sleep(10);
        }
    }

    private bool CommandLineHasMarker(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(_commandLineMarker, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
