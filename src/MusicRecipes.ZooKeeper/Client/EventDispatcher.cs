using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Runs watch callbacks and connection-state handlers one at a time, in the order the server sent the events, on
/// a task of its own (like ZooKeeper's EventThread). The reader loop only posts here: a slow or throwing user
/// callback can neither stall the connection (and so the pings that keep the session alive) nor kill it.
/// </summary>
internal sealed class EventDispatcher : IAsyncDisposable
{
    private readonly Channel<Action> _queue = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _loop;

    public EventDispatcher(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Post(Action action)
    {
        if (!_queue.Writer.TryWrite(action))
        {
            // After disposal there is no loop left; run on the pool rather than dropping a callback.
            ThreadPool.UnsafeQueueUserWorkItem(static a => a(), action, preferLocal: false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        await foreach (var action in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                _logger.LogError(e, "A ZooKeeper watch or state callback threw.");
            }
        }
    }
}
