namespace MusicRecipes.Testing;

/// <summary>The quorum and election ports one ZooKeeper server's zoo.cfg names for another (see <see cref="ZooKeeperTestEnsembleOptions.PeerPorts"/>).</summary>
/// <param name="QuorumPort">Where followers reach the server when it leads.</param>
/// <param name="ElectionPort">Where peers reach the server for leader election.</param>
public sealed record ZooKeeperPeerPorts(int QuorumPort, int ElectionPort);
