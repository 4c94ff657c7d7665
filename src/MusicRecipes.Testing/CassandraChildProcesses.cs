using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MusicRecipes.Testing;

/// <summary>
/// Makes sure Cassandra JVMs die with the test host. Each JVM is started by a small shell that keeps reading its
/// stdin, a pipe from this process, and SIGKILLs the JVM when the pipe closes — the kernel closes it even when the
/// host is killed with SIGKILL. <see cref="AppDomain.ProcessExit"/> kills every live JVM on a normal exit. Each node
/// writes a pid file, so the next run on the same ports kills a JVM a crashed run left behind.
/// </summary>
internal static class CassandraChildProcesses
{
    private const int SigKill = 9;
    private const int SigStop = 19;
    private const int SigCont = 18;

    private static readonly ConcurrentDictionary<int, int> LivePids = new();
    private static int _hooked;

    public static string PidDirectory { get; } = Path.Combine(Path.GetTempPath(), "musicrecipes-cassandra-pids");

    public static void Track(int javaPid)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                foreach (var pid in LivePids.Keys)
                {
                    Signal(pid, SigKill);
                }
            };
        }

        LivePids[javaPid] = javaPid;
    }

    public static void Untrack(int javaPid) => LivePids.TryRemove(javaPid, out _);

    /// <summary>The pid file of the node on <paramref name="address"/>:<paramref name="nativePort"/>.</summary>
    public static string PidFile(string address, int nativePort)
    {
        Directory.CreateDirectory(PidDirectory);
        return Path.Combine(PidDirectory, $"{address}-{nativePort}.pid");
    }

    /// <summary>Kills a Cassandra left by an earlier run at this address and port, if the pid still names one.</summary>
    public static void KillStale(string address, int nativePort)
    {
        var pidFile = PidFile(address, nativePort);
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            return;
        }

        var cmdline = $"/proc/{pid}/cmdline";
        if (File.Exists(cmdline) && File.ReadAllText(cmdline).Contains("CassandraDaemon", StringComparison.Ordinal))
        {
            Signal(pid, SigKill);
            WaitForExit(pid, TimeSpan.FromSeconds(10));
        }

        File.Delete(pidFile);
    }

    public static void Kill(int pid) => Signal(pid, SigKill);

    /// <summary>Freezes the JVM (SIGSTOP): its sockets stay open but nothing answers, like a hung node.</summary>
    public static void Pause(int pid) => Signal(pid, SigStop);

    public static void Resume(int pid) => Signal(pid, SigCont);

    public static bool IsAlive(int pid) => ProcessLiveness.IsAlive(pid);

    public static bool WaitForExit(int pid, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (watch.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    private static void Signal(int pid, int signal)
    {
        if (pid > 0)
        {
            _ = SendSignal(pid, signal);
        }
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code enabled for the project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
#pragma warning restore SYSLIB1054
}
