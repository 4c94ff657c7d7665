namespace MusicRecipes.Locking;

/// <summary>
/// Turns "the session state may have changed" into ordered <see cref="ILockSessionEvents.SessionStateChanged"/>
/// events, for lock-store implementations. The store calls <see cref="StateMayHaveChanged"/> after it changed its state
/// (outside any lock its state getter takes); the notifier reads the state, and when it differs from the last one
/// reported, queues an event. Events are raised one at a time on the thread pool, in order; the last event reported
/// always carries the state the store was in when it last called.
/// </summary>
/// <example>
/// <code>
/// private readonly LockSessionStateNotifier _events;
/// public MyLockStore() => _events = new LockSessionStateNotifier(this, () => SessionState);
/// public event EventHandler&lt;LockSessionStateChangedEventArgs&gt;? SessionStateChanged
/// {
///     add => _events.Changed += value;
///     remove => _events.Changed -= value;
/// }
/// private void OnDisconnected() { _state = LockSessionState.Suspended; _events.StateMayHaveChanged(); }
/// </code>
/// </example>
public sealed class LockSessionStateNotifier
{
    private readonly object _sender;
    private readonly Func<LockSessionState> _read;
    private readonly Queue<LockSessionStateChangedEventArgs> _pending = new();
    private LockSessionState _reported;
    private bool _draining;

    /// <summary>Creates a notifier for <paramref name="sender"/>, whose state <paramref name="readState"/> reads.</summary>
    /// <param name="sender">The object the events are raised for (the store).</param>
    /// <param name="readState">Reads the current state. Call <see cref="StateMayHaveChanged"/> outside every lock this takes.</param>
    public LockSessionStateNotifier(object sender, Func<LockSessionState> readState)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(readState);
        _sender = sender;
        _read = readState;
        _reported = readState();
    }

    /// <summary>Raised, on the thread pool and one at a time, for each change reported.</summary>
    public event EventHandler<LockSessionStateChangedEventArgs>? Changed;

    /// <summary>Reads the state and queues an event when it differs from the last one reported. Never blocks on handlers.</summary>
    public void StateMayHaveChanged()
    {
        lock (_pending)
        {
            // Read under the lock, so two callers racing can never report an older state after a newer one.
            var current = _read();
            if (current == _reported)
            {
                return;
            }

            _pending.Enqueue(new LockSessionStateChangedEventArgs(_reported, current));
            _reported = current;
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static notifier => notifier.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        while (true)
        {
            LockSessionStateChangedEventArgs next;
            lock (_pending)
            {
                if (!_pending.TryDequeue(out next!))
                {
                    _draining = false;
                    return;
                }
            }

            try
            {
                Changed?.Invoke(_sender, next);
            }
            catch (Exception)
            {
                // A handler that throws must not stop later notifications (nor crash the thread pool); handlers own their errors.
            }
        }
    }
}
