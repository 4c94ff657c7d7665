using System.Net;

namespace MusicRecipes.Cql.Connections;

/// <summary>
/// One node: its single connection (opened once, shared by all requests) and its up/down state. A node is marked
/// down when opening fails or its connection breaks; the <see cref="HostRegistry"/> then reconnects with backoff.
/// </summary>
internal sealed class CqlHost
{
    private readonly object _lock = new();
    private Task<CqlConnection>? _connection;
    private volatile bool _isDown;

    public CqlHost(IPEndPoint endPoint)
    {
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public string? DataCenter { get; set; }

    public string? Rack { get; set; }

    public bool IsDown => _isDown;

    /// <summary>Set while a reconnection loop runs for this host, so only one runs.</summary>
    public int Reconnecting;

    /// <summary>Wakes the reconnection loop early (a STATUS_CHANGE UP event).</summary>
    public CancellationTokenSource? ReconnectDelay { get; set; }

    public CqlHostInfo Describe() => new(EndPoint, DataCenter, Rack, !IsDown);

    /// <summary>The open connection, or a single shared attempt to open one.</summary>
    public Task<CqlConnection> GetOrOpen(Func<Task<CqlConnection>> open)
    {
        lock (_lock)
        {
            if (_connection is { } current && !IsBroken(current))
            {
                return current;
            }

            _connection = open();
            return _connection;
        }
    }

    /// <summary>The connection if it is open right now.</summary>
    public CqlConnection? CurrentConnection
    {
        get
        {
            lock (_lock)
            {
                return _connection is { IsCompletedSuccessfully: true } task && !task.Result.IsClosed ? task.Result : null;
            }
        }
    }

    public void MarkDown() => _isDown = true;

    public void MarkUp() => _isDown = false;

    public async ValueTask CloseAsync()
    {
        Task<CqlConnection>? connection;
        lock (_lock)
        {
            connection = _connection;
            _connection = null;
        }

        if (connection is { IsCompletedSuccessfully: true })
        {
            await connection.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static bool IsBroken(Task<CqlConnection> task) =>
        task.IsFaulted || task.IsCanceled || (task.IsCompletedSuccessfully && task.Result.IsClosed);
}
