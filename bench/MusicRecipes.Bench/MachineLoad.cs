namespace MusicRecipes.Bench;

/// <summary>
/// How busy the machine is, printed with the figures: on a shared 2-core box, other test suites' JVMs running at
/// the same time slow every variant down and must be known to read a run's numbers.
/// </summary>
internal static class MachineLoad
{
    public static string Describe()
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[..3] : ["?"];
        var javas = System.Diagnostics.Process.GetProcessesByName("java");
        var count = javas.Length;
        foreach (var process in javas)
        {
            process.Dispose();
        }

        return $"load average {string.Join(' ', load)}, {count} java processes running";
    }
}
