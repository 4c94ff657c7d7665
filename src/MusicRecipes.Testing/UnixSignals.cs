using System.Runtime.InteropServices;

namespace MusicRecipes.Testing;

/// <summary>
/// The signals a test sends to the processes it started: freeze (SIGSTOP), thaw (SIGCONT), crash (SIGKILL). A frozen
/// process keeps its sockets and believes no time passed — the pause that leases and fencing must survive.
/// </summary>
/// <example>
/// <code>
/// UnixSignals.Stop(worker.Id);      // the holder freezes mid-section
/// await Task.Delay(TimeSpan.FromSeconds(6));
/// UnixSignals.Continue(worker.Id);  // and resumes, its session long expired
/// </code>
/// </example>
public static class UnixSignals
{
    internal const int SigKill = 9;
    internal const int SigCont = 18;
    internal const int SigStop = 19;

    /// <summary>How long <see cref="Stop"/> waits for every thread to stop before it gives up.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Freezes the process (SIGSTOP) and returns once every one of its threads is stopped. The kernel stops a process
    /// asynchronously: right after <c>kill</c> returns, a thread that was running (or waiting for a CPU on a loaded
    /// machine) may still run for a while, long enough to answer one more request — so a test that freezes a server
    /// and then sends it something must not rely on the freeze before it is seen in /proc.
    /// </summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent (no such process, or not ours).</exception>
    /// <exception cref="TimeoutException">A thread was still not stopped after 10 seconds.</exception>
    public static void Stop(int pid)
    {
        Send(pid, SigStop);
        WaitUntilStopped(pid);
    }

    /// <summary>Thaws a frozen process (SIGCONT).</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent.</exception>
    public static void Continue(int pid) => Send(pid, SigCont);

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs.</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent.</exception>
    public static void Kill(int pid) => Send(pid, SigKill);

    /// <summary>Sends <paramref name="signal"/> to a positive pid; false when there was none or it failed.</summary>
    internal static bool TrySend(int pid, int signal) => pid > 0 && SendSignal(pid, signal) == 0;

    /// <summary>SIGSTOP, then <see cref="WaitUntilStopped"/>; false (and no wait) when the signal could not be sent.</summary>
    internal static bool TryStop(int pid)
    {
        if (!TrySend(pid, SigStop))
        {
            return false;
        }

        WaitUntilStopped(pid);
        return true;
    }

    /// <summary>
    /// Waits until every thread of <paramref name="pid"/> reads as stopped in /proc (state T, or t when traced), or the
    /// process is gone (exited or a zombie: it runs no more either).
    /// </summary>
    internal static void WaitUntilStopped(int pid)
    {
        var started = Environment.TickCount64;
        while (!AllThreadsStopped(pid))
        {
            if (Environment.TickCount64 - started > StopTimeout.TotalMilliseconds)
            {
                throw new TimeoutException($"Process {pid} got SIGSTOP but a thread of it was still running after {StopTimeout.TotalSeconds:F0} s.");
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>Whether no thread of <paramref name="pid"/> can run: each one stopped, dead or gone.</summary>
    internal static bool AllThreadsStopped(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // gone
        }

        // A thread that exited meanwhile (no stat file) runs no more either.
        return tasks.All(task => ProcStat.StateOf(Path.Combine(task, "stat")) is not { } state || state is 'T' or 't' || ProcStat.IsEnded(state));
    }

    private static void Send(int pid, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        if (SendSignal(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code enabled for the project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
#pragma warning restore SYSLIB1054
}
