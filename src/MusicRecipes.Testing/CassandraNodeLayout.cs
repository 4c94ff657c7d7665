namespace MusicRecipes.Testing;

/// <summary>
/// Where one Cassandra node keeps its files and which addresses its cassandra.yaml names: the process kit's node i
/// listens and serves on 127.0.0.i; a container's node listens on its network address and serves on every interface,
/// advertising to clients the host address its native port is published on (<see cref="BroadcastRpcAddress"/>).
/// </summary>
/// <param name="Directory">The node's directory: data, commitlog and saved_caches go under it.</param>
/// <param name="ListenAddress">listen_address, for the other nodes.</param>
/// <param name="BroadcastAddress">broadcast_address, what the other nodes are told to reach.</param>
/// <param name="RpcAddress">rpc_address, where the native transport listens.</param>
/// <param name="BroadcastRpcAddress">broadcast_rpc_address, what clients find in system.peers; null leaves it out.</param>
/// <param name="Seed">The seed node's address.</param>
internal sealed record CassandraNodeLayout(string Directory, string ListenAddress, string BroadcastAddress, string RpcAddress, string? BroadcastRpcAddress, string Seed);
