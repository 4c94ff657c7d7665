namespace MusicRecipes.Recipes.Internal;

/// <summary>
/// Turns "the hold may be gone" into one cancellation token: it fires when the ticket is lost (rule 6 of docs/design.md)
/// or when the client's lock session stops being safe (<see cref="SessionHealth"/>). Session states have no event
/// in <see cref="IMusicClient"/>, so the state is sampled every <c>interval</c>; the ticket's own loss is immediate.
/// </summary>
internal sealed class HoldMonitor : IAsyncDisposable
{
    private readonly IMusicClient _client;
    private readonly CancellationTokenSource _lost;
    private readonly ITimer _timer;
    private volatile bool _sessionUnsafe;

    public HoldMonitor(IMusicClient client, CancellationToken ticketLost, TimeSpan interval)
    {
        _client = client;
        _lost = CancellationTokenSource.CreateLinkedTokenSource(ticketLost);

        LostToken = _lost.Token;
        _timer = TimeProvider.System.CreateTimer(static state => ((HoldMonitor)state!).Check(), this, TimeSpan.Zero, interval);
    }

    public CancellationToken LostToken { get; }

    /// <summary>True when the session is not known to be safe right now (checked on the spot, not sampled).</summary>
    public bool IsSessionUnsafe => _sessionUnsafe || !SessionHealth.IsSafe(_client.SessionState);

    /// <summary>
    /// Stops sampling. The token source is deliberately not disposed: its only registration is on the ticket's own
    /// token, which dies with the ticket, and a late sample must still be able to cancel it safely.
    /// </summary>
    public ValueTask DisposeAsync() => _timer.DisposeAsync();

    private void Check()
    {
        if (_sessionUnsafe || SessionHealth.IsSafe(_client.SessionState))
        {
            return;
        }

        _sessionUnsafe = true;
        _lost.Cancel();
    }
}
