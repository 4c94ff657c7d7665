namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>
/// Re-registers the client's watches on a new server after a reconnect (ClientCnxn.primeConnection). The server
/// compares each path with <c>relativeZxid</c> (our last zxid) and fires at once the watches whose node changed
/// meanwhile, so no event is lost across the reconnect. Large sets are split into packets of at most 128 KiB.
/// </summary>
internal static class SetWatchesRequest
{
    private const int BatchBytes = 128 * 1024;

    public static void Send(ZooKeeperConnection connection, WatchRegistry watches, Chroot chroot, long lastZxid, int maxPacketSize)
    {
        var (data, exist, child) = watches.Snapshot();
        var limit = Math.Min(BatchBytes, maxPacketSize / 2);
        var lists = new[] { Queue(data, chroot), Queue(exist, chroot), Queue(child, chroot) };
        while (lists.Any(l => l.Count > 0))
        {
            var batch = new[] { new List<string>(), new List<string>(), new List<string>() };
            var size = 0;
            for (var kind = 0; kind < 3; kind++)
            {
                while (lists[kind].Count > 0 && (size == 0 || size + lists[kind].Peek().Length + 4 <= limit))
                {
                    var path = lists[kind].Dequeue();
                    size += path.Length + 4;
                    batch[kind].Add(path);
                }
            }

            var writer = new JuteWriter(size + 32);
            writer.WriteLong(lastZxid);
            writer.WriteStringVector(batch[0]);
            writer.WriteStringVector(batch[1]);
            writer.WriteStringVector(batch[2]);
            connection.SendSpecial(SpecialXid.SetWatches, OpCode.SetWatches, writer.ToArray());
        }
    }

    private static Queue<string> Queue(IReadOnlyList<string> paths, Chroot chroot) => new(paths.Select(chroot.ToServer));
}
