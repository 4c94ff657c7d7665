using MusicRecipes.ZooKeeper.Protocol;

namespace MusicRecipes.ZooKeeper;

/// <summary>One operation of a <see cref="ZooKeeperClient.MultiAsync"/> transaction: create, delete, setData or check.</summary>
/// <example>
/// <code>
/// // Move a job from "pending" to "running" atomically, only if nobody changed the job meanwhile.
/// await client.MultiAsync(
/// [
///     ZooKeeperOp.Check("/jobs/42", version: 3),
///     ZooKeeperOp.Delete("/pending/42"),
///     ZooKeeperOp.Create("/running/42", owner, CreateMode.Ephemeral),
/// ], cancellationToken);
/// </code>
/// </example>
public sealed class ZooKeeperOp
{
    private ZooKeeperOp(int opCode, string path, byte[]? data, CreateMode mode, int version)
    {
        ZooKeeperPath.Validate(path, allowTrailingSlash: opCode is Protocol.OpCode.Create2 && IsSequential(mode));
        OpCode = opCode;
        Path = path;
        Data = data;
        Mode = mode;
        Version = version;
    }

    /// <summary>The path the operation works on (relative to the chroot).</summary>
    public string Path { get; }

    internal int OpCode { get; }

    internal byte[]? Data { get; }

    internal CreateMode Mode { get; }

    internal int Version { get; }

    /// <summary>Creates a node.</summary>
    public static ZooKeeperOp Create(string path, ReadOnlyMemory<byte> data, CreateMode mode) =>
        new(mode == CreateMode.Container ? Protocol.OpCode.CreateContainer : Protocol.OpCode.Create2, path, data.ToArray(), mode, -1);

    /// <summary>Deletes a node, if its version is <paramref name="version"/> (-1: any version).</summary>
    public static ZooKeeperOp Delete(string path, int version = -1) => new(Protocol.OpCode.Delete, path, null, default, version);

    /// <summary>Sets a node's data, if its version is <paramref name="version"/> (-1: any version).</summary>
    public static ZooKeeperOp SetData(string path, ReadOnlyMemory<byte> data, int version = -1) =>
        new(Protocol.OpCode.SetData, path, data.ToArray(), default, version);

    /// <summary>Fails the transaction unless the node exists with version <paramref name="version"/> (-1: any version).</summary>
    public static ZooKeeperOp Check(string path, int version) => new(Protocol.OpCode.Check, path, null, default, version);

    internal static bool IsSequential(CreateMode mode) => mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential;

    /// <summary>Writes the operation's request record (not its MultiHeader) with the server path.</summary>
    internal void WriteBody(JuteWriter writer, string serverPath, IReadOnlyList<ZooKeeperAcl> acl)
    {
        switch (OpCode)
        {
            case Protocol.OpCode.Create2:
            case Protocol.OpCode.CreateContainer:
                Requests.WriteCreate(writer, serverPath, Data, Mode, acl);
                break;
            case Protocol.OpCode.Delete:
            case Protocol.OpCode.Check:
                writer.WriteString(serverPath);
                writer.WriteInt(Version);
                break;
            case Protocol.OpCode.SetData:
                writer.WriteString(serverPath);
                writer.WriteBuffer(Data);
                writer.WriteInt(Version);
                break;
            default:
                throw new InvalidOperationException($"Unknown multi operation {OpCode}.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{OpCode}:{Path}";
}
