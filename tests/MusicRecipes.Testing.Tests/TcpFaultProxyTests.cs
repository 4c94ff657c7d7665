using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Testing.Tests;

public sealed class TcpFaultProxyTests : IAsyncLifetime
{
    private readonly TcpListener _echo = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public Task InitializeAsync()
    {
        _echo.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _echo.AcceptSocketAsync(_stop.Token);
                _ = Task.Run(async () =>
                {
                    var buffer = new byte[1024];
                    int read;
                    while ((read = await socket.ReceiveAsync(buffer)) > 0)
                    {
                        await socket.SendAsync(buffer.AsMemory(0, read));
                    }
                });
            }
        });
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _stop.Cancel();
        _echo.Stop();
        return Task.CompletedTask;
    }

    private static async Task<string> EchoAsync(Socket socket, string text)
    {
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(text));
        var buffer = new byte[64];
        var read = await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(5));
        return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static async Task<bool> IsClosedAsync(Socket socket)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[8]).WaitAsync(TimeSpan.FromSeconds(5)) == 0;
        }
        catch (SocketException)
        {
            return true; // reset: closed as well
        }
    }

    [Fact]
    public async Task Forwards_adds_latency_cuts_and_heals()
    {
        await using var proxy = TcpFaultProxy.Start(_echo.LocalEndpoint);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, proxy.Port);
        Assert.Equal("ping", await EchoAsync(socket, "ping"));

        proxy.Latency = TimeSpan.FromMilliseconds(50);
        var timer = Stopwatch.StartNew();
        Assert.Equal("slow", await EchoAsync(socket, "slow"));
        Assert.True(timer.Elapsed >= TimeSpan.FromMilliseconds(90), $"two delayed hops took {timer.Elapsed}");
        proxy.Latency = TimeSpan.Zero;

        proxy.Cut();
        Assert.True(await IsClosedAsync(socket)); // closed by the cut
        using (var refused = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await refused.ConnectAsync(IPAddress.Loopback, proxy.Port);
            Assert.True(await IsClosedAsync(refused));
        }

        proxy.Heal();
        using var again = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await again.ConnectAsync(IPAddress.Loopback, proxy.Port);
        Assert.Equal("back", await EchoAsync(again, "back"));
    }

    [Fact]
    public async Task Listens_on_a_given_address_and_cuts_one_source_only()
    {
        var advertised = IPAddress.Parse("127.0.1.7");
        await using var proxy = TcpFaultProxy.Start(_echo.LocalEndpoint, new IPEndPoint(advertised, 0));
        using var fromA = new Socket(SocketType.Stream, ProtocolType.Tcp);
        fromA.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        await fromA.ConnectAsync(advertised, proxy.Port);
        using var fromB = new Socket(SocketType.Stream, ProtocolType.Tcp);
        fromB.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
        await fromB.ConnectAsync(advertised, proxy.Port);
        Assert.Equal("a", await EchoAsync(fromA, "a"));
        Assert.Equal("b", await EchoAsync(fromB, "b"));

        proxy.CutFrom(IPAddress.Parse("127.0.0.2"));
        Assert.True(await IsClosedAsync(fromA));
        Assert.Equal("b still", await EchoAsync(fromB, "b still"));
        using (var refused = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            refused.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
            await refused.ConnectAsync(advertised, proxy.Port);
            Assert.True(await IsClosedAsync(refused));
        }

        proxy.Heal();
        using var again = new Socket(SocketType.Stream, ProtocolType.Tcp);
        again.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        await again.ConnectAsync(advertised, proxy.Port);
        Assert.Equal("back", await EchoAsync(again, "back"));
    }

    [Fact]
    public async Task Reset_drops_open_connections_and_accepts_new_ones_held_by_a_stall()
    {
        await using var proxy = TcpFaultProxy.Start(_echo.LocalEndpoint);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, proxy.Port);
        Assert.Equal("ping", await EchoAsync(socket, "ping"));

        proxy.Stall();
        proxy.Reset();
        Assert.True(await IsClosedAsync(socket)); // closed by the reset

        using var held = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await held.ConnectAsync(IPAddress.Loopback, proxy.Port);
        await held.SendAsync(System.Text.Encoding.ASCII.GetBytes("held"));
        var reply = held.ReceiveAsync(new byte[64]);
        await Task.Delay(300);
        Assert.False(reply.IsCompleted, "a stall holds the new connection's data");

        proxy.Heal();
        Assert.Equal(4, await reply.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
