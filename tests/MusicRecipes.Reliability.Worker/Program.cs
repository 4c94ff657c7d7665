using MusicRecipes.Reliability.Worker;

// dotnet MusicRecipes.Reliability.Worker.dll '<WorkerOptions as JSON>'
// Runs a counter workload until its stdin says "stop" or closes, reporting on stdout (WorkerEvent JSON lines).
return await WorkerProgram.RunAsync(WorkerOptions.Parse(args.Single()), Console.In, Console.Out);
