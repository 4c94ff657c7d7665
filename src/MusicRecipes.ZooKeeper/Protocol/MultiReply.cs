namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>
/// Decodes a MultiResponse of a multi transaction: per operation a MultiHeader (type, done, err) then that operation's reply record, until
/// a header with done = true. In a failed transaction every result is an error record: Ok for the operations
/// before the failing one, its code for it, RuntimeInconsistency after it.
/// </summary>
internal static class MultiReply
{
    public static IReadOnlyList<ZooKeeperOpResult> Read(Reply reply, Chroot chroot) => ReadEach(reply, (type, reader) => type switch
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

    /// <summary>
    /// Walks any MultiResponse (of a multi or a multiRead): for each header until done = true, <paramref name="record"/>
    /// reads that operation's reply record given the header's type.
    /// </summary>
    public static IReadOnlyList<T> ReadEach<T>(Reply reply, Func<int, JuteReader, T> record)
    {
        var results = new List<T>();
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

            results.Add(record(type, reader));
        }
    }
}
