using System.Collections.Concurrent;
using System.Diagnostics;

namespace MusicRecipes.Testing;

/// <summary>
/// Makes sure server processes die with the test host. Three layers: each server runs under a tiny shell that
/// kills it when its stdin (a pipe from this process) closes — which the kernel does even if the host is killed
/// with SIGKILL; <see cref="AppDomain.ProcessExit"/> kills every live server on a normal exit; and a pid file per
/// client port lets the next run kill a server a crashed run left behind on the same ports.
/// </summary>
internal static class ZooKeeperChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private static int _hooked;

    public static string PidDirectory { get; } = Path.Combine(Path.GetTempPath(), "musicrecipes-zookeeper-pids");

    public static void Track(Process wrapper)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        }

        Live[wrapper.Id] = wrapper;
    }

    public static void Untrack(Process wrapper) => Live.TryRemove(wrapper.Id, out _);

    /// <summary>Kills a server left by an earlier run on <paramref name="clientPort"/>, if its pid file names a live ZooKeeper.</summary>
    public static void KillStale(int clientPort)
    {
        var pidFile = PidFile(clientPort);
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            return;
        }

        var cmdline = $"/proc/{pid}/cmdline";
        if (File.Exists(cmdline) && File.ReadAllText(cmdline).Contains("QuorumPeerMain", StringComparison.Ordinal))
        {
            KillPid(pid);
        }

        File.Delete(pidFile);
    }

    public static string PidFile(int clientPort)
    {
        Directory.CreateDirectory(PidDirectory);
        return Path.Combine(PidDirectory, $"client-port-{clientPort}.pid");
    }

    /// <summary>
    /// SIGKILLs <paramref name="pid"/>. Waits only when asked: a server's parent is its wrapper shell, which reaps it
    /// only once its stdin closes, so until then the dead server stays a zombie that looks alive.
    /// </summary>
    public static void KillPid(int pid, bool wait = true)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            if (wait)
            {
                process.WaitForExit(5000);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private static void KillAll()
    {
        foreach (var wrapper in Live.Values)
        {
            try
            {
                wrapper.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited already.
            }
        }
    }
}
