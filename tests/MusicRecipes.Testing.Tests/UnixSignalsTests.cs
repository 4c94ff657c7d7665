using System.Diagnostics;

namespace MusicRecipes.Testing.Tests;

/// <summary>
/// <see cref="UnixSignals.Stop"/> returns only once the process is frozen. SIGSTOP takes effect asynchronously: right
/// after kill() returns, a busy process's thread reads as still running most of the time on this kind of machine, so a
/// test that froze a server and then wrote to it could be answered anyway (CI saw a "partial" Cassandra write that
/// reached a quorum right after two of three nodes had been frozen).
/// </summary>
public sealed class UnixSignalsTests
{
    [Fact]
    public void Stop_returns_once_every_thread_is_stopped()
    {
        using var busy = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "while :; do :; done" } })!;
        try
        {
            for (var i = 0; i < 50; i++)
            {
                UnixSignals.Stop(busy.Id);
                Assert.True(UnixSignals.AllThreadsStopped(busy.Id), $"Round {i}: a thread still ran after Stop returned.");
                UnixSignals.Continue(busy.Id);
                Thread.Sleep(2); // let it run again, so the next Stop freezes a running process
            }
        }
        finally
        {
            busy.Kill();
        }
    }

    [Fact]
    public void A_process_that_is_gone_counts_as_stopped()
    {
        using var done = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "exit 0" } })!;
        done.WaitForExit();
        Assert.True(UnixSignals.AllThreadsStopped(done.Id));
    }
}
