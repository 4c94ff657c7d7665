namespace MusicRecipes.Testing;

/// <summary>The scheduler state of a process or thread, as Linux reports it in /proc (the <c>stat</c> file's third field).</summary>
internal static class ProcStat
{
    /// <summary>
    /// The state letter in <paramref name="statFile"/> (R running, S sleeping, T stopped, Z zombie, X dead, ...), or
    /// <c>null</c> when the file cannot be read: the process or thread is gone.
    /// </summary>
    public static char? StateOf(string statFile)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(statFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The state follows the command name, which is in parentheses and may itself hold spaces or parentheses.
        var close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length ? stat[close + 2] : null;
    }

    /// <summary>A state in which nothing of the task runs any more: exited and not yet reaped (Z), or dead (X).</summary>
    public static bool IsEnded(char state) => state is 'Z' or 'X';
}
