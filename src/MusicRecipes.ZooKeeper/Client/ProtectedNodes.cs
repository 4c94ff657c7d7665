using System.Globalization;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Sequential nodes created with protection, as Curator's <c>withProtection</c> makes them: the creator puts an id of
/// its own in the name prefix (<c>{parent}/{prefix}</c> + the server's counter), so that after a reply lost with the
/// connection it can tell whether the create happened by listing the parents (docs/design.md §4: protect ambiguous
/// sequential creates), and can delete such nodes by their prefix without knowing their counters.
/// </summary>
internal sealed class ProtectedNodes(ZooKeeperClient client, string syncPath)
{
    /// <summary>
    /// After a create of <c>{parent}/{namePrefix}</c> under each of <paramref name="parents"/> in one <c>multi</c> whose
    /// reply was lost: the paths the nodes got, or null if the multi did not commit. Waits for a connection and syncs
    /// first, so the answer includes the multi if it was applied.
    /// </summary>
    public async Task<IReadOnlyList<string>?> FindCreatedAsync(IReadOnlyList<string> parents, string namePrefix, CancellationToken cancellationToken)
    {
        await client.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
        await client.SyncAsync(syncPath, cancellationToken).ConfigureAwait(false);
        var paths = new List<string>(parents.Count);
        foreach (var parent in parents)
        {
            var names = await NamesCarryingAsync(parent, namePrefix, cancellationToken).ConfigureAwait(false);
            if (names.Count == 0)
            {
                return null; // the multi is atomic: one missing means none was created
            }

            paths.Add(ZooKeeperPath.Combine(parent, names[0]));
        }

        return paths;
    }

    /// <summary>
    /// Deletes every node named <c>{namePrefix}</c> + a counter under <paramref name="parents"/> (synced first), in one
    /// transaction. False when there was none.
    /// </summary>
    public async Task<bool> DeleteAllAsync(IReadOnlyList<string> parents, string namePrefix, CancellationToken cancellationToken)
    {
        await client.SyncAsync(syncPath, cancellationToken).ConfigureAwait(false);
        var paths = new List<string>();
        foreach (var parent in parents)
        {
            foreach (var name in await NamesCarryingAsync(parent, namePrefix, cancellationToken).ConfigureAwait(false))
            {
                paths.Add(ZooKeeperPath.Combine(parent, name));
            }
        }

        if (paths.Count == 0)
        {
            return false;
        }

        try
        {
            // One transaction: the nodes go all at once.
            await client.MultiAsync(paths.Select(p => ZooKeeperOp.Delete(p)), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NoNodeException)
        {
            // Some node left meanwhile (its session ended, or another remover): delete what is left one by one.
            var deleted = await Task.WhenAll(paths.Select(p => DeleteIfPresentAsync(p, cancellationToken))).ConfigureAwait(false);
            return deleted.Any(d => d);
        }
    }

    /// <summary>Deletes a node of any version; false when it was already gone (Curator's <c>quietly</c>).</summary>
    public async Task<bool> DeleteIfPresentAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteAsync(path, -1, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NoNodeException)
        {
            return false;
        }
    }

    /// <summary>The children of <paramref name="parent"/> named <paramref name="namePrefix"/> + a counter, lowest counter first (not synced).</summary>
    private async Task<List<string>> NamesCarryingAsync(string parent, string namePrefix, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> children;
        try
        {
            children = (await client.GetChildrenAsync(parent, null, cancellationToken).ConfigureAwait(false)).Children;
        }
        catch (NoNodeException)
        {
            return [];
        }

        var found = new List<(string Name, long Counter)>();
        foreach (var name in children)
        {
            if (name.StartsWith(namePrefix, StringComparison.Ordinal)
                && long.TryParse(name.AsSpan(namePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var counter))
            {
                found.Add((name, counter));
            }
        }

        found.Sort((a, b) => a.Counter.CompareTo(b.Counter));
        return found.ConvertAll(f => f.Name);
    }
}
