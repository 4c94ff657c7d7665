using MusicRecipes.Reliability.Worker.Reporting;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Checkers;

/// <summary>The line a worker writes is the event the harness reads.</summary>
public sealed class WorkerEventTests
{
    [Fact]
    public void An_event_survives_its_json_line()
    {
        var operation = new OperationRecord { Kind = "acquire", Client = "s0-raw", Key = "k", InvokedAt = 1, CompletedAt = 2, Outcome = OperationOutcome.Indeterminate, Ordinal = 7, Error = "TimeoutException: late" };
        var sent = new WorkerEvent { Type = WorkerEventType.Operation, Operation = operation, SessionId = 0x1234, SessionPassword = [1, 2, 3] };

        var line = sent.ToLine();
        var read = WorkerEvent.FromLine(line);

        Assert.DoesNotContain('\n', line);
        Assert.Contains("\"Indeterminate\"", line, StringComparison.Ordinal);
        Assert.Equal((sent.Type, operation, sent.SessionId), (read.Type, read.Operation, read.SessionId));
        Assert.Equal(sent.SessionPassword, read.SessionPassword);
        Assert.Null(read.Key);
    }
}
