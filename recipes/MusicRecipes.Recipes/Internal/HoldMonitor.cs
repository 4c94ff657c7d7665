using System.Diagnostics;

namespace MusicRecipes.Recipes.Internal;

/// <summary>
/// Turns "the hold may be gone" into one cancellation token: it fires when the ticket is lost (rule 6 of docs/design.md)
/// or when the client's lock session stops being safe (<see cref="SessionHealth"/>), as
/// <see cref="IMusicClient.SessionStateChanged"/> reports it — nothing polls the session.
/// </summary>
internal sealed class HoldMonitor : IAsyncDisposable
{
    private readonly IMusicClient _client;
    private readonly CancellationTokenSource _lost;
    private readonly EventHandler<LockSessionStateChangedEventArgs> _onChanged;
    private readonly long _since;
    private volatile bool _sessionUnsafe;

    public HoldMonitor(IMusicClient client, CancellationToken ticketLost)
    {
        _client = client;
        _lost = CancellationTokenSource.CreateLinkedTokenSource(ticketLost);
        LostToken = _lost.Token;
        _since = Stopwatch.GetTimestamp();
        _onChanged = (_, e) => OnChanged(e);

        // Subscribe first, then look once: a change between the two is seen by one or the other.
        client.SessionStateChanged += _onChanged;
        Check(client.SessionState);
    }

    public CancellationToken LostToken { get; }

    /// <summary>True when the session is not known to be safe right now (checked on the spot).</summary>
    public bool IsSessionUnsafe => _sessionUnsafe || !SessionHealth.IsSafe(_client.SessionState);

    /// <summary>
    /// Stops listening. The token source is deliberately not disposed: its only registration is on the ticket's own
    /// token, which dies with the ticket, and an event already being delivered must still be able to cancel it safely.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        _client.SessionStateChanged -= _onChanged;
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A change observed before the hold began may still be on its way (events are delivered asynchronously): it says
    /// nothing about this hold, whose start found the session safe. Every later one does, even if it is over by now.
    /// </summary>
    private void OnChanged(LockSessionStateChangedEventArgs e)
    {
        if (e.ObservedTimestamp >= _since)
        {
            Check(e.State);
        }
    }

    private void Check(LockSessionState state)
    {
        if (_sessionUnsafe || SessionHealth.IsSafe(state))
        {
            return;
        }

        _sessionUnsafe = true;
        _lost.Cancel();
    }
}
