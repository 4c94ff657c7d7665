// Benchmarks. Usage: dotnet run -c Release --project bench/MusicRecipes.Bench -- [inmemory] [--latency-ms 20] [--iterations 40]
using MusicRecipes.Bench;

var latency = TimeSpan.FromMilliseconds(ArgValue(args, "--latency-ms", 20));
var iterations = ArgValue(args, "--iterations", 40);
Console.WriteLine($"MusicRecipes benchmarks — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
await InMemoryRoundTripBench.RunAsync(latency, iterations);

static int ArgValue(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
}
