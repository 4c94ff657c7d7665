namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>
/// Decodes the MultiResponse of a multiRead (ZooKeeper 3.6+): per read a MultiHeader (type, done, err) then a
/// GetChildrenResponse, a GetDataResponse or an ErrorResponse, until a header with done = true. Unlike a multi
/// transaction, one failed read (a node that does not exist) does not fail the others.
/// </summary>
internal static class MultiReadReply
{
    public static IReadOnlyList<MultiReadResult> Read(Reply reply) => MultiReply.ReadEach(reply, (type, reader) => type switch
    {
        OpCode.GetChildren => new MultiReadResult(KeeperErrorCode.Ok, reader.ReadStringVector(), null),
        OpCode.GetData => new MultiReadResult(KeeperErrorCode.Ok, null, new ZooKeeperData(reader.ReadBuffer() ?? [], reader.ReadStat())),
        OpCode.Error => new MultiReadResult((KeeperErrorCode)reader.ReadInt(), null, null),
        _ => throw new InvalidDataException($"Unknown operation type {type} in a ZooKeeper multiRead reply."),
    });
}

/// <summary>One read's result in a multiRead reply: an error (NoNode, ...), or the children, or the data and its metadata.</summary>
/// <param name="Error"><see cref="KeeperErrorCode.Ok"/>, or why this read failed (the others are unaffected).</param>
/// <param name="Children">For a getChildren that succeeded: the children's names.</param>
/// <param name="Data">For a getData that succeeded: the node's data and metadata.</param>
internal sealed record MultiReadResult(KeeperErrorCode Error, IReadOnlyList<string>? Children, ZooKeeperData? Data);
