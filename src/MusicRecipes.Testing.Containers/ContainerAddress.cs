namespace MusicRecipes.Testing.Containers;

/// <summary>A server's two addresses: on the Docker network (for its peers), and on the host's loopback (for clients).</summary>
/// <param name="NetworkAddress">10.201.X.n: what the other servers reach and what partitions block.</param>
/// <param name="HostAddress">127.0.K.n: where the server's client port is published.</param>
internal sealed record ContainerAddress(string NetworkAddress, string HostAddress);
