namespace MusicRecipes.Testing.Faults;

/// <summary>
/// One armed pause of a <see cref="PausableLockStore"/>: the client that reaches the step stops there (as a process
/// in a long GC pause would) until the test calls <see cref="Resume"/>.
/// </summary>
public sealed class LockPathPause
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal LockPathPause(LockPathStep step)
    {
        Step = step;
    }

    /// <summary>Where the client stops.</summary>
    public LockPathStep Step { get; }

    /// <summary>Completes when a client has stopped at the step.</summary>
    public Task Reached => _reached.Task;

    /// <summary>Lets the stopped client go on.</summary>
    public void Resume() => _resumed.TrySetResult();

    internal Task HoldAsync()
    {
        _reached.TrySetResult();
        return _resumed.Task;
    }
}
