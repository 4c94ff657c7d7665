namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>
/// Decodes a MultiResponse: per operation a MultiHeader (type, done, err) then that operation's reply record, until
/// a header with done = true. In a failed transaction every result is an error record: Ok for the operations
/// before the failing one, its code for it, RuntimeInconsistency after it.
/// </summary>
internal static class MultiReply
{
    public static IReadOnlyList<ZooKeeperOpResult> Read(Reply reply, Chroot chroot)
    {
        var results = new List<ZooKeeperOpResult>();
        var reader = reply.Body();
        if (reader.Remaining < 9)
        {
            return results;
        }

        while (true)
        {
            var type = reader.ReadInt();
            var done = reader.ReadBool();
            reader.ReadInt();
            if (done)
            {
                return results;
            }

            results.Add(type switch
            {
                OpCode.Create => new ZooKeeperOpResult(ZooKeeperOpKind.Create, KeeperErrorCode.Ok, chroot.ToClient(reader.ReadString() ?? "/"), null),
                OpCode.Create2 or OpCode.CreateContainer => new ZooKeeperOpResult(
                    ZooKeeperOpKind.Create, KeeperErrorCode.Ok, chroot.ToClient(reader.ReadString() ?? "/"), reader.ReadStat()),
                OpCode.Delete => new ZooKeeperOpResult(ZooKeeperOpKind.Delete, KeeperErrorCode.Ok, null, null),
                OpCode.SetData => new ZooKeeperOpResult(ZooKeeperOpKind.SetData, KeeperErrorCode.Ok, null, reader.ReadStat()),
                OpCode.Check => new ZooKeeperOpResult(ZooKeeperOpKind.Check, KeeperErrorCode.Ok, null, null),
                OpCode.Error => new ZooKeeperOpResult(ZooKeeperOpKind.Error, (KeeperErrorCode)reader.ReadInt(), null, null),
                _ => throw new InvalidDataException($"Unknown operation type {type} in a ZooKeeper multi reply."),
            });
        }
    }
}
