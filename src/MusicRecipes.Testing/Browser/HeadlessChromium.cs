namespace MusicRecipes.Testing.Browser;

/// <summary>
/// Debian's chromium, headless: loads a page, lets its scripts run for a while of virtual time (their timers, and
/// fetches against the real server), and returns the DOM as it then stands (<c>--dump-dom</c>). On a fresh machine the
/// kit installs it (<c>scripts/install-chromium.sh</c>) as it installs the servers; <see cref="OverrideVariable"/> names
/// another binary.
/// </summary>
/// <example>
/// <code>
/// var dom = await HeadlessChromium.DumpDomAsync(new Uri("http://127.0.0.1:5080/"), TimeSpan.FromSeconds(3));
/// Assert.Contains("data-site=\"site-2\"", dom); // rendered by the page's script, not in the served HTML
/// </code>
/// </example>
public static class HeadlessChromium
{
    /// <summary>The environment variable naming a Chromium binary to use instead of Debian's.</summary>
    public const string OverrideVariable = "MUSIC_CHROMIUM";

    private static readonly TimeSpan ProcessPatience = TimeSpan.FromSeconds(60);

    private static readonly string[] DebianPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    /// <summary>The Chromium binary: <see cref="OverrideVariable"/>, else Debian's, installed first if missing.</summary>
    public static string Executable =>
        Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } configured
            ? configured
            : Installed() ?? (ServerInstallScript.TryRun("install-chromium.sh") ? Installed() : null)
              ?? throw new InvalidOperationException($"No chromium found: run scripts/install-chromium.sh (apt-get install -y chromium), or set {OverrideVariable} to a Chromium binary.");

    private static string? Installed() => DebianPaths.FirstOrDefault(File.Exists);

    /// <summary>The page's DOM after <paramref name="scriptTime"/> of virtual time (its timers run; the clock waits for fetches).</summary>
    public static async Task<string> DumpDomAsync(Uri page, TimeSpan scriptTime)
    {
        var profile = Directory.CreateTempSubdirectory("music-chromium-");
        try
        {
            // No sandbox: CI runs as root, where chromium refuses to start with one. The page is our own.
            var result = await ToolProcess.RunAsync(
                Executable,
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                    $"--user-data-dir={profile.FullName}",
                    $"--virtual-time-budget={(int)scriptTime.TotalMilliseconds}",
                    "--dump-dom", page.ToString(),
                ],
                ProcessPatience);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"chromium exited with {result.ExitCode}: {result.Errors}");
            }

            return result.Output;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
