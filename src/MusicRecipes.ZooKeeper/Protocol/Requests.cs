namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>Encoders of the request records that more than one caller writes.</summary>
internal static class Requests
{
    /// <summary>CreateRequest: path, data, ACL, flags.</summary>
    public static void WriteCreate(JuteWriter writer, string serverPath, ReadOnlySpan<byte> data, CreateMode mode, IReadOnlyList<ZooKeeperAcl> acl)
    {
        writer.WriteString(serverPath);
        writer.WriteBuffer(data);
        writer.WriteInt(acl.Count);
        foreach (var entry in acl)
        {
            writer.WriteInt((int)entry.Permissions);
            writer.WriteString(entry.Scheme);
            writer.WriteString(entry.Id);
        }

        writer.WriteInt((int)mode);
    }

    /// <summary>AuthPacket: type (always 0), scheme, credentials.</summary>
    public static byte[] Auth(ZooKeeperAuthInfo auth)
    {
        var writer = new JuteWriter(auth.Scheme.Length + auth.Auth.Length + 16);
        writer.WriteInt(0);
        writer.WriteString(auth.Scheme);
        writer.WriteBuffer(auth.Auth);
        return writer.ToArray();
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
