using System.Globalization;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Names of queue entries: "t-{ticketId}-" + ZooKeeper's 10-digit sequence. The ticket id in the name lets a client
/// that lost its connection during the enqueue find out whether the create happened (docs/design.md §4: protect ambiguous
/// sequential creates). The ordinal of the entry is its sequence + 1 (fencing timestamps need ordinals ≥ 1).
/// </summary>
internal static class TicketNodeName
{
    public const string Prefix = "t-";

    public static string PrefixOf(string ticketId) => Prefix + ticketId + "-";

    public static string NameOf(string ticketId, long ordinal) => PrefixOf(ticketId) + (ordinal - 1).ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>Parses a child name; false for anything that is not a queue entry.</summary>
    public static bool TryParse(string name, out string ticketId, out long ordinal)
    {
        ticketId = string.Empty;
        ordinal = 0;
        var dash = name.LastIndexOf('-');
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || dash <= Prefix.Length
            || !long.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        ticketId = name[Prefix.Length..dash];
        ordinal = sequence + 1;
        return true;
    }
}
