namespace MusicRecipes.Testing;

/// <summary>
/// Runs one of the repository's install scripts (<c>scripts/install-*.sh</c>) when a server the test kit needs is not
/// installed yet, so that <c>dotnet test</c> works on a fresh machine as the README promises. Set
/// <see cref="DisableVariable"/> to turn this off (the kit then throws with the install hint instead).
/// </summary>
/// <remarks>
/// Test projects run in parallel processes, and two of them may find the same server missing: a lock file in the
/// temp folder makes the second wait for the first, then see the server installed.
/// </remarks>
internal static class ServerInstallScript
{
    public const string DisableVariable = "MUSICRECIPES_NO_AUTO_INSTALL";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs <c>scripts/{name}</c> from the nearest enclosing repository; returns false when it cannot.</summary>
    public static bool TryRun(string name)
    {
        if (Environment.GetEnvironmentVariable(DisableVariable) is { Length: > 0 })
        {
            return false;
        }

        var script = FindScript(name);
        if (script is null)
        {
            return false;
        }

        using var installLock = AcquireInstallLock();
        try
        {
            return ToolProcess.RunAsync("bash", [script], InstallTimeout).GetAwaiter().GetResult().ExitCode == 0;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string? FindScript(string name)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "scripts", name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static FileStream AcquireInstallLock()
    {
        var path = Path.Combine(Path.GetTempPath(), "musicrecipes-install.lock");
        var deadline = DateTime.UtcNow + InstallTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500);
            }
        }
    }
}
