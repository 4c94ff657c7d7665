using MusicRecipes.Reliability.Worker.Reporting;

namespace MusicRecipes.Reliability.Tests.Processes;

/// <summary>Where a <see cref="WorkerProcess"/> delivers what its worker reports.</summary>
internal interface IWorkerEventSink
{
    /// <summary>One event of worker <paramref name="client"/>, in the order the worker wrote them.</summary>
    void Accept(string client, WorkerEvent report);

    /// <summary>Something went wrong with a worker that the run must report (an error event, a line that is not an event, an exit nobody asked for).</summary>
    void Problem(string client, string description);
}
