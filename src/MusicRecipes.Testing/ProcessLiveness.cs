namespace MusicRecipes.Testing;

/// <summary>
/// Whether a server process still runs. A server that died stays a zombie until its wrapper shell reaps it — which the
/// shells of this kit do only when their stdin closes — and a zombie still has a /proc entry, so "the /proc entry
/// exists" is not "it runs": a zombie (state Z) or a dead task (X) counts as exited.
/// </summary>
internal static class ProcessLiveness
{
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
