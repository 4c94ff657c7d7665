namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>
/// Encodes a multiRead (ZooKeeper 3.6+) as a MultiOperationRecord: per read a MultiHeader (type, done = false, err = -1)
/// then a GetChildrenRequest or GetDataRequest (path, watch = false), closed by a header with done = true.
/// </summary>
internal static class MultiReadRequest
{
    public static byte[] Encode(IReadOnlyList<string> childrenServerPaths, IReadOnlyList<string> dataServerPaths)
    {
        var writer = new JuteWriter(256);
        foreach (var path in childrenServerPaths)
        {
            WriteRead(writer, OpCode.GetChildren, path);
        }

        foreach (var path in dataServerPaths)
        {
            WriteRead(writer, OpCode.GetData, path);
        }

        writer.WriteInt(-1);
        writer.WriteBool(true);
        writer.WriteInt(-1);
        return writer.ToArray();
    }

    private static void WriteRead(JuteWriter writer, int opCode, string serverPath)
    {
        writer.WriteInt(opCode);
        writer.WriteBool(false);
        writer.WriteInt(-1);
        writer.WriteString(serverPath);
        writer.WriteBool(false);
    }
}
