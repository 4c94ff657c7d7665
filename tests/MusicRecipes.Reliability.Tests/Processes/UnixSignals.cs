using System.Runtime.InteropServices;

namespace MusicRecipes.Reliability.Tests.Processes;

/// <summary>The signals the nemesis sends to worker processes: freeze (SIGSTOP), thaw (SIGCONT), crash (SIGKILL).</summary>
internal static class UnixSignals
{
    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    public static void Stop(int pid) => Send(pid, SigStop);

    public static void Continue(int pid) => Send(pid, SigCont);

    public static void Kill(int pid) => Send(pid, SigKill);

    private static void Send(int pid, int signal)
    {
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
