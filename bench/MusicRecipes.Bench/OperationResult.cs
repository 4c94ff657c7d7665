namespace MusicRecipes.Bench;

/// <summary>Throughput and latency of one kind of single operation (or of a lock hand-off) on one network.</summary>
internal sealed record OperationResult(string Network, string Operation, int Count, double PerSecond, double P50Ms, double P99Ms, int Errors);
