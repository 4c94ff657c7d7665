using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Bench;

/// <summary>
/// Times the links themselves: round trips of 8 bytes to an echo server through a <see cref="TcpFaultProxy"/> with the
/// emulation's delay, no database in the way. Set against the operations of <see cref="EmulationCheck"/>, it tells
/// the delay the links add from the time the servers spend (which a busy machine stretches).
/// </summary>
internal static class LinkProbe
{
    public static async Task<double> MedianRoundTripAsync(TimeSpan oneWay, int samples, CancellationToken cancellationToken)
    {
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var serve = Task.Run(async () =>
        {
            using var socket = await echo.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64];
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await socket.SendAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (SocketException)
            {
                // The proxy resets its connections when it is disposed: the probe is over.
            }
        }, cancellationToken);

        await using var proxy = TcpFaultProxy.Start(echo.LocalEndpoint);
        proxy.Latency = oneWay;
        var recorder = new LatencyRecorder();
        using (var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            await client.ConnectAsync(IPAddress.Loopback, proxy.Port, cancellationToken).ConfigureAwait(false);
            var reply = new byte[64];
            for (var i = 0; i <= samples; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await client.SendAsync(new byte[8], cancellationToken).ConfigureAwait(false);
                await client.ReceiveAsync(reply, cancellationToken).ConfigureAwait(false);
                if (i > 0)
                {
                    recorder.Add(Stopwatch.GetElapsedTime(started));
                }
            }
        }

        await serve.ConfigureAwait(false);
        return recorder.Percentile(50);
    }
}
