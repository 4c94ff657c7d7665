using MusicRecipes.ZooKeeper.Protocol;

namespace MusicRecipes.ZooKeeper;

/// <summary>The node operations of <see cref="ZooKeeperClient"/>.</summary>
public sealed partial class ZooKeeperClient
{
    /// <summary>Creates a node (create2, or createContainer for <see cref="CreateMode.Container"/>).</summary>
    /// <param name="path">The path; for a sequential node the prefix the counter is appended to.</param>
    /// <param name="data">The node's data.</param>
    /// <param name="mode">Persistent, ephemeral, sequential or container.</param>
    /// <param name="cancellationToken">Cancels the wait (the request may still be applied).</param>
    /// <returns>The created path (with the counter of a sequential node) and the new node's metadata.</returns>
    /// <exception cref="NodeExistsException">The node exists.</exception>
    /// <exception cref="NoNodeException">The parent does not exist.</exception>
    /// <example>
    /// <code>
    /// var created = await zk.CreateAsync("/locks/lock-", Array.Empty&lt;byte&gt;(), CreateMode.EphemeralSequential, ct);
    /// </code>
    /// </example>
    public async Task<ZooKeeperCreateResult> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path, allowTrailingSlash: ZooKeeperOp.IsSequential(mode));
        var writer = new JuteWriter(path.Length + data.Length + 64);
        Requests.WriteCreate(writer, _chroot.ToServer(path), data.Span, mode, _options.EffectiveAcl);
        var opCode = mode == CreateMode.Container ? OpCode.CreateContainer : OpCode.Create2;
        var reply = await ExecuteAsync(opCode, writer.ToArray(), path, null, cancellationToken).ConfigureAwait(false);
        var body = reply.Body();
        var created = _chroot.ToClient(body.ReadString() ?? path);
        return new ZooKeeperCreateResult(created, body.ReadStat());
    }

    /// <summary>Deletes a node if its version is <paramref name="version"/> (-1: any version).</summary>
    /// <exception cref="NoNodeException">The node does not exist.</exception>
    /// <exception cref="BadVersionException">The node has another version.</exception>
    /// <exception cref="NotEmptyException">The node has children.</exception>
    /// <example>
    /// <code>
    /// await zk.DeleteAsync("/config", version: stat.Version, ct);
    /// </code>
    /// </example>
    public async Task DeleteAsync(string path, int version = -1, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var writer = new JuteWriter(path.Length + 16);
        writer.WriteString(_chroot.ToServer(path));
        writer.WriteInt(version);
        await ExecuteAsync(OpCode.Delete, writer.ToArray(), path, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets a node's data if its version is <paramref name="version"/> (-1: any version): a compare-and-set.</summary>
    /// <returns>The node's new metadata (<see cref="ZooKeeperStat.Mtime"/> is the server's clock at the write).</returns>
    /// <exception cref="NoNodeException">The node does not exist.</exception>
    /// <exception cref="BadVersionException">Someone else changed the node since <paramref name="version"/>.</exception>
    /// <example>
    /// <code>
    /// var (data, stat) = await zk.GetDataAsync("/counter", null, ct);
    /// await zk.SetDataAsync("/counter", Increment(data), stat.Version, ct); // BadVersionException if raced
    /// </code>
    /// </example>
    public async Task<ZooKeeperStat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version = -1, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var writer = new JuteWriter(path.Length + data.Length + 16);
        writer.WriteString(_chroot.ToServer(path));
        writer.WriteBuffer(data.Span);
        writer.WriteInt(version);
        var reply = await ExecuteAsync(OpCode.SetData, writer.ToArray(), path, null, cancellationToken).ConfigureAwait(false);
        return reply.Body().ReadStat();
    }

    /// <summary>
    /// Reads a node's metadata, or <c>null</c> if it does not exist. With a watcher, a one-shot watch fires on the node's
    /// creation, data change or deletion — also when the node does not exist yet.
    /// </summary>
    /// <example>
    /// <code>
    /// var stat = await zk.ExistsAsync("/leader", e => Console.WriteLine(e.Type), ct);
    /// </code>
    /// </example>
    public async Task<ZooKeeperStat?> ExistsAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var watch = watcher is null ? null : new WatchRegistration(WatchKind.Exist, path, watcher);
        var body = Requests.PathAndWatch(_chroot.ToServer(path), watcher is not null);
        var reply = await ExecuteAsync(OpCode.Exists, body, path, watch, cancellationToken, KeeperErrorCode.NoNode).ConfigureAwait(false);
        return reply.Error == KeeperErrorCode.NoNode ? null : reply.Body().ReadStat();
    }

    /// <summary>Reads a node's data and metadata; with a watcher, a one-shot watch fires on its next data change or deletion.</summary>
    /// <exception cref="NoNodeException">The node does not exist (no watch is set).</exception>
    /// <example>
    /// <code>
    /// var (data, stat) = await zk.GetDataAsync("/config", e => reload.TrySetResult(), ct);
    /// </code>
    /// </example>
    public async Task<ZooKeeperData> GetDataAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var watch = watcher is null ? null : new WatchRegistration(WatchKind.Data, path, watcher);
        var body = Requests.PathAndWatch(_chroot.ToServer(path), watcher is not null);
        var reply = await ExecuteAsync(OpCode.GetData, body, path, watch, cancellationToken).ConfigureAwait(false);
        var reader = reply.Body();
        var data = reader.ReadBuffer() ?? [];
        return new ZooKeeperData(data, reader.ReadStat());
    }

    /// <summary>
    /// Lists a node's children with the node's metadata (getChildren2); with a watcher, a one-shot watch fires when a
    /// child is added or removed, or the node is deleted.
    /// </summary>
    /// <exception cref="NoNodeException">The node does not exist (no watch is set).</exception>
    /// <example>
    /// <code>
    /// var (children, stat) = await zk.GetChildrenAsync("/workers", e => rescan.TrySetResult(), ct);
    /// </code>
    /// </example>
    public async Task<ZooKeeperChildren> GetChildrenAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var watch = watcher is null ? null : new WatchRegistration(WatchKind.Child, path, watcher);
        var body = Requests.PathAndWatch(_chroot.ToServer(path), watcher is not null);
        var reply = await ExecuteAsync(OpCode.GetChildren2, body, path, watch, cancellationToken).ConfigureAwait(false);
        var reader = reply.Body();
        var children = reader.ReadStringVector();
        return new ZooKeeperChildren(children, reader.ReadStat());
    }

    /// <summary>
    /// Makes the connected server catch up with the leader, so that reads issued after it see every write committed
    /// before it (ZooKeeper's reads are otherwise served from a possibly lagging server).
    /// </summary>
    /// <example>
    /// <code>
    /// await zk.SyncAsync("/locks", ct);
    /// var (children, _) = await zk.GetChildrenAsync("/locks/k", null, ct); // linearizable with the sync
    /// </code>
    /// </example>
    public async Task SyncAsync(string path, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var writer = new JuteWriter(path.Length + 8);
        writer.WriteString(_chroot.ToServer(path));
        await ExecuteAsync(OpCode.Sync, writer.ToArray(), path, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>getChildren</c> of each of <paramref name="childrenPaths"/> and <c>getData</c> of each of
    /// <paramref name="dataPaths"/> in one <c>multiRead</c> request (ZooKeeper 3.6+): one request and one round trip to the
    /// connected server, which answers it locally, after everything this session sent before it, from a state that
    /// includes at least every write this session has been answered (the server refuses a session whose last seen zxid
    /// it has not reached). The reads are not one snapshot, but each sees at least what the one before it saw. Sets no
    /// watches. A node that does not exist reads as <c>null</c>.
    /// </summary>
    internal async Task<(IReadOnlyList<IReadOnlyList<string>?> Children, IReadOnlyList<ZooKeeperData?> Data)> MultiReadAsync(
        IReadOnlyList<string> childrenPaths, IReadOnlyList<string> dataPaths, CancellationToken cancellationToken)
    {
        var paths = childrenPaths.Concat(dataPaths).ToArray();
        if (paths.Length == 0)
        {
            return ([], []);
        }

        foreach (var path in paths)
        {
            ZooKeeperPath.Validate(path);
        }

        var body = MultiReadRequest.Encode(childrenPaths.Select(_chroot.ToServer).ToArray(), dataPaths.Select(_chroot.ToServer).ToArray());
        var reply = await ExecuteAsync(OpCode.MultiRead, body, paths[0], null, cancellationToken).ConfigureAwait(false);
        var results = MultiReadReply.Read(reply);
        if (results.Count != paths.Length)
        {
            throw new InvalidDataException($"ZooKeeper answered a multiRead of {paths.Length} reads with {results.Count} results.");
        }

        var children = new IReadOnlyList<string>?[childrenPaths.Count];
        var nodes = new ZooKeeperData?[dataPaths.Count];
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            if (!ThrowUnlessOk(result.Error, paths[i]))
            {
                continue;
            }

            if (i < children.Length)
            {
                children[i] = result.Children;
            }
            else
            {
                nodes[i - children.Length] = result.Data;
            }
        }

        return (children, nodes);
    }

    /// <summary>True for Ok, false for NoNode; throws the typed error otherwise.</summary>
    private static bool ThrowUnlessOk(KeeperErrorCode error, string path) => error switch
    {
        KeeperErrorCode.Ok => true,
        KeeperErrorCode.NoNode => false,
        _ => throw KeeperException.Create(error, path),
    };

    /// <summary>
    /// Runs operations as one transaction: all are applied, in order, or none. On failure throws the typed exception
    /// of the first failing operation (with its path), whose <see cref="KeeperException.MultiResults"/> holds every
    /// operation's result.
    /// </summary>
    /// <returns>One result per operation.</returns>
    /// <example>
    /// <code>
    /// var results = await zk.MultiAsync(
    /// [
    ///     ZooKeeperOp.Create("/a/n-", data, CreateMode.EphemeralSequential),
    ///     ZooKeeperOp.Create("/b/n-", data, CreateMode.EphemeralSequential),
    /// ], ct);
    /// </code>
    /// </example>
    public async Task<IReadOnlyList<ZooKeeperOpResult>> MultiAsync(IEnumerable<ZooKeeperOp> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var ops = operations.ToArray();
        var writer = new JuteWriter(256);
        foreach (var op in ops)
        {
            MultiHeader.WriteOperation(writer, op.OpCode);
            op.WriteBody(writer, _chroot.ToServer(op.Path), _options.EffectiveAcl);
        }

        MultiHeader.WriteEnd(writer);
        var firstPath = ops.Length > 0 ? ops[0].Path : null;
        var reply = await ExecuteAsync(OpCode.Multi, writer.ToArray(), firstPath, null, cancellationToken, AnyError).ConfigureAwait(false);
        var results = MultiReply.Read(reply, _chroot);
        for (var i = 0; i < results.Count; i++)
        {
            if (results[i].Error is not KeeperErrorCode.Ok and not KeeperErrorCode.RuntimeInconsistency)
            {
                var path = i < ops.Length ? ops[i].Path : firstPath;
                throw KeeperException.Create(results[i].Error, path).WithMultiResults(results);
            }
        }

        if (reply.Error != KeeperErrorCode.Ok)
        {
            throw KeeperException.Create(reply.Error, firstPath).WithMultiResults(results);
        }

        return results;
    }

    /// <summary>Creates <paramref name="path"/> and any missing ancestors as empty persistent nodes; existing nodes are left alone.</summary>
    /// <example>
    /// <code>
    /// await zk.EnsurePathAsync("/app/locks/queues", ct);
    /// </code>
    /// </example>
    public async Task EnsurePathAsync(string path, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        if (path == "/" || await ExistsAsync(path, null, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var end = 0;
        while (end < path.Length)
        {
            end = path.IndexOf('/', end + 1);
            if (end < 0)
            {
                end = path.Length;
            }

            try
            {
                await CreateAsync(path[..end], ReadOnlyMemory<byte>.Empty, CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
                // Someone (maybe us, before a connection loss) created it: what we want.
            }
        }
    }

    /// <summary>Marker for <see cref="ExecuteAsync"/>: the caller interprets every error code itself.</summary>
    private const KeeperErrorCode AnyError = (KeeperErrorCode)int.MinValue;

    /// <summary>
    /// Sends one request on the live connection (waiting for one if needed) and returns the reply, throwing the typed
    /// exception for an error other than <paramref name="allowedError"/>.
    /// </summary>
    private async Task<Reply> ExecuteAsync(
        int opCode,
        byte[] body,
        string? path,
        WatchRegistration? watch,
        CancellationToken cancellationToken,
        KeeperErrorCode allowedError = KeeperErrorCode.Ok)
    {
        // The server drops the whole connection on an oversize packet; refuse it here instead, with a clear error.
        var size = 8 + body.Length;
        if (size > _options.MaxPacketSize)
        {
            throw new PacketTooLargeException(path, size, _options.MaxPacketSize);
        }

        var connection = await ConnectionAsync(path, failOnSessionLoss: true, cancellationToken).ConfigureAwait(false);
        var reply = await connection.SendAsync(opCode, body, watch, path, cancellationToken).ConfigureAwait(false);
        if (reply.Error != KeeperErrorCode.Ok && reply.Error != allowedError && allowedError != AnyError)
        {
            throw KeeperException.Create(reply.Error, path);
        }

        return reply;
    }
}
