namespace PlacementService;

/// <summary>An application template a client asks the service to place: it needs <paramref name="Cpu"/> cores at one site.</summary>
public sealed record Template(string Name, int Cpu);
