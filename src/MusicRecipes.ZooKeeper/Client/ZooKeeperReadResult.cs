namespace MusicRecipes.ZooKeeper;

/// <summary>The result of one read of a multiRead: an error (NoNode, ...) or the children, or the data and its metadata.</summary>
/// <param name="Error"><see cref="KeeperErrorCode.Ok"/>, or why this read failed (the others are unaffected).</param>
/// <param name="Children">For a getChildren that succeeded: the children's names.</param>
/// <param name="Data">For a getData that succeeded: the node's data.</param>
/// <param name="Stat">For a getData that succeeded: the node's metadata, read with the data.</param>
internal sealed record ZooKeeperReadResult(KeeperErrorCode Error, IReadOnlyList<string>? Children, byte[]? Data, ZooKeeperStat? Stat);
