namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>
/// The MultiHeader records of a MultiOperationRecord (a multi transaction or a multiRead): one before each operation's
/// request record (type, done = false, err = -1) and one that closes the list (type = -1, done = true, err = -1).
/// <see cref="MultiReply.ReadEach{T}"/> reads the reply's headers.
/// </summary>
internal static class MultiHeader
{
    public static void WriteOperation(JuteWriter writer, int opCode)
    {
        writer.WriteInt(opCode);
        writer.WriteBool(false);
        writer.WriteInt(-1);
    }

    public static void WriteEnd(JuteWriter writer)
    {
        writer.WriteInt(-1);
        writer.WriteBool(true);
        writer.WriteInt(-1);
    }
}
