namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>
/// Decodes the MultiResponse of a multiRead (ZooKeeper 3.6+): per read a MultiHeader (type, done, err) then a
/// GetChildrenResponse, a GetDataResponse or an ErrorResponse, until a header with done = true. Unlike a multi
/// transaction, one failed read does not fail the others.
/// </summary>
internal static class MultiReadReply
{
    public static IReadOnlyList<ZooKeeperReadResult> Read(Reply reply) => MultiReply.ReadEach(reply, (type, reader) => type switch
    {
        OpCode.GetChildren => new ZooKeeperReadResult(KeeperErrorCode.Ok, reader.ReadStringVector(), null, null),
        OpCode.GetData => new ZooKeeperReadResult(KeeperErrorCode.Ok, null, reader.ReadBuffer() ?? [], reader.ReadStat()),
        OpCode.Error => new ZooKeeperReadResult((KeeperErrorCode)reader.ReadInt(), null, null, null),
        _ => throw new InvalidDataException($"Unknown operation type {type} in a ZooKeeper multiRead reply."),
    });
}
