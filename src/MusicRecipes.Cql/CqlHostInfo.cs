using System.Net;

namespace MusicRecipes.Cql;

/// <summary>A node as the session sees it.</summary>
/// <param name="EndPoint">Its native-protocol endpoint.</param>
/// <param name="DataCenter">Its data centre (from system.local / system.peers).</param>
/// <param name="Rack">Its rack.</param>
/// <param name="IsUp">Whether the session currently considers it reachable.</param>
public sealed record CqlHostInfo(IPEndPoint EndPoint, string? DataCenter, string? Rack, bool IsUp);
