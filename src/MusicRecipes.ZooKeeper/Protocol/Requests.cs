using System.Buffers.Binary;

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
        WritePathAndWatch(writer, serverPath, watch);
        return writer.ToArray();
    }

    /// <summary>The same record written into a larger request (a multiRead's getChildren and getData).</summary>
    public static void WritePathAndWatch(JuteWriter writer, string serverPath, bool watch)
    {
        writer.WriteString(serverPath);
        writer.WriteBool(watch);
    }

    /// <summary>A request as it goes on the wire: the length prefix, the header (xid, type), then the body.</summary>
    public static byte[] Frame(int xid, int opCode, byte[] body)
    {
        var packet = new byte[12 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(packet, 8 + body.Length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), xid);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8), opCode);
        body.CopyTo(packet.AsSpan(12));
        return packet;
    }
}
