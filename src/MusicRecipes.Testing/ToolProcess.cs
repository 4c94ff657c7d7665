using System.Diagnostics;

namespace MusicRecipes.Testing;

/// <summary>
/// Runs a command-line tool the kit needs (an install script, the JDK's keytool, chromium) to its end: both output
/// streams drained as it runs, so a chatty tool cannot block on a full pipe, and killed with its children if it
/// outlives its patience.
/// </summary>
internal static class ToolProcess
{
    /// <summary>What the tool left behind.</summary>
    public sealed record Result(int ExitCode, string Output, string Errors);

    /// <exception cref="InvalidOperationException">The tool did not start.</exception>
    /// <exception cref="TimeoutException">The tool ran longer than <paramref name="patience"/> (it was killed).</exception>
    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan patience)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(fileName)} did not finish within {patience}: {await errors.ConfigureAwait(false)}");
        }

        return new Result(process.ExitCode, await output.ConfigureAwait(false), await errors.ConfigureAwait(false));
    }
}
