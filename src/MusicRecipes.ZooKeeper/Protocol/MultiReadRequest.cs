namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>
/// Encodes a multiRead (ZooKeeper 3.6+) as a MultiOperationRecord: per read a <see cref="MultiHeader"/> then a
/// GetChildrenRequest or GetDataRequest (path, watch = false), closed by the end header.
/// </summary>
internal static class MultiReadRequest
{
    public static byte[] Encode(IReadOnlyList<string> childrenServerPaths, IReadOnlyList<string> dataServerPaths)
    {
        var writer = new JuteWriter(256);
        foreach (var path in childrenServerPaths)
        {
            MultiHeader.WriteOperation(writer, OpCode.GetChildren);
            Requests.WritePathAndWatch(writer, path, watch: false);
        }

        foreach (var path in dataServerPaths)
        {
            MultiHeader.WriteOperation(writer, OpCode.GetData);
            Requests.WritePathAndWatch(writer, path, watch: false);
        }

        MultiHeader.WriteEnd(writer);
        return writer.ToArray();
    }
}
