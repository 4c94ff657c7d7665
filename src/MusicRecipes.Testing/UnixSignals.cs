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

    /// <summary>Freezes the process (SIGSTOP).</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent (no such process, or not ours).</exception>
    public static void Stop(int pid) => Send(pid, SigStop);

    /// <summary>Thaws a frozen process (SIGCONT).</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent.</exception>
    public static void Continue(int pid) => Send(pid, SigCont);

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs.</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent.</exception>
    public static void Kill(int pid) => Send(pid, SigKill);

    /// <summary>Sends <paramref name="signal"/> to a positive pid; false when there was none or it failed.</summary>
    internal static bool TrySend(int pid, int signal) => pid > 0 && SendSignal(pid, signal) == 0;

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
