namespace MusicRecipes.Bench;

/// <summary>
/// The textbook ZooKeeper lock (the one ZooKeeper's own recipes page describes), written here as the "ZooKeeper only"
/// baseline: create an EPHEMERAL_SEQUENTIAL child of the key's lock node, list the children, and if ours is not the
/// lowest, watch the next lower one and look again when it goes. Release deletes our node. Uncontended it costs two
/// round trips to acquire (create, getChildren) and one to release (delete) — fewer than MUSIC's lock, which also
/// syncs, reads and records the key's state.
/// </summary>
internal static class ZooKeeperPlainLock
{
    private const string Prefix = "l-";

    public static async Task<string> AcquireAsync(ZooKeeper.ZooKeeperClient client, string lockDirectory, CancellationToken cancellationToken)
    {
        var created = await client.CreateAsync(lockDirectory + "/" + Prefix, ReadOnlyMemory<byte>.Empty, ZooKeeper.CreateMode.EphemeralSequential, cancellationToken).ConfigureAwait(false);
        var mine = created.Path[(lockDirectory.Length + 1)..];
        while (true)
        {
            var children = await client.GetChildrenAsync(lockDirectory, null, cancellationToken).ConfigureAwait(false);
            var predecessor = children.Children
                .Where(c => c.StartsWith(Prefix, StringComparison.Ordinal) && string.CompareOrdinal(Sequence(c), Sequence(mine)) < 0)
                .OrderByDescending(Sequence, StringComparer.Ordinal)
                .FirstOrDefault();
            if (predecessor is null)
            {
                return created.Path;
            }

            // Watch only the next lower node (no herd effect); if it is already gone, look again at once.
            var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var stat = await client.ExistsAsync(lockDirectory + "/" + predecessor, _ => gone.TrySetResult(), cancellationToken).ConfigureAwait(false);
            if (stat is not null)
            {
                await gone.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static Task ReleaseAsync(ZooKeeper.ZooKeeperClient client, string lockPath, CancellationToken cancellationToken) =>
        client.DeleteAsync(lockPath, -1, cancellationToken);

    // The server appends a 10-digit, zero-padded counter, so ordinal string order is numeric order.
    private static string Sequence(string child) => child[^10..];
}
