using System.Buffers.Binary;

namespace MusicRecipes.ZooKeeper.Protocol;

/// <summary>
/// The first exchange on a connection (ClientCnxn.primeConnection): a ConnectRequest carrying the last zxid seen (a
/// server that is behind it refuses us, so we never read older state than we already saw), the requested timeout,
/// and the session id and password to resume (0 and 16 zero bytes for a new session), then the readOnly flag.
/// </summary>
internal static class ConnectHandshake
{
    public static byte[] EncodeRequest(long lastZxidSeen, int timeoutMs, long sessionId, byte[] password)
    {
        var writer = new JuteWriter(64);
        writer.WriteInt(0);
        writer.WriteInt(0);
        writer.WriteLong(lastZxidSeen);
        writer.WriteInt(timeoutMs);
        writer.WriteLong(sessionId);
        writer.WriteBuffer(password);
        writer.WriteBool(false);
        writer.PatchInt(0, writer.Length - 4);
        return writer.ToArray();
    }

    /// <summary>
    /// Parses a ConnectResponse. It has 37 bytes, but servers older than 3.4 leave out the trailing readOnly byte,
    /// so 36 are accepted too. A timeout of 0 or less means the session to resume has expired.
    /// </summary>
    public static ConnectResponse DecodeResponse(byte[] frame)
    {
        var reader = new JuteReader(frame);
        var protocolVersion = reader.ReadInt();
        var timeout = reader.ReadInt();
        var sessionId = reader.ReadLong();
        var password = reader.ReadBuffer() ?? [];
        var readOnly = reader.Remaining >= 1 && reader.ReadBool();
        return new ConnectResponse(protocolVersion, timeout, sessionId, password, readOnly);
    }

    public static int ReadLength(ReadOnlySpan<byte> prefix) => BinaryPrimitives.ReadInt32BigEndian(prefix);
}

/// <summary>A decoded ConnectResponse.</summary>
internal sealed record ConnectResponse(int ProtocolVersion, int TimeoutMs, long SessionId, byte[] Password, bool ReadOnly);
