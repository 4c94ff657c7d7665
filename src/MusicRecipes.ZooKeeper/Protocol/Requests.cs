namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>Encoders of the request records that more than one caller writes.</summary>
internal static class Requests
{
    /// <summary>CreateRequest: path, data, ACL (always world:anyone), flags.</summary>
    public static void WriteCreate(JuteWriter writer, string serverPath, ReadOnlySpan<byte> data, CreateMode mode)
    {
        writer.WriteString(serverPath);
        writer.WriteBuffer(data);
        writer.WriteOpenAcl();
        writer.WriteInt((int)mode);
    }

    /// <summary>A request with just a path and a watch flag (exists, getData, getChildren2).</summary>
    public static byte[] PathAndWatch(string serverPath, bool watch)
    {
        var writer = new JuteWriter(serverPath.Length + 16);
        writer.WriteString(serverPath);
        writer.WriteBool(watch);
        return writer.ToArray();
    }
}
