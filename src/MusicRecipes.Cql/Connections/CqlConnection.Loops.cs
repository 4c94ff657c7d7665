using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using MusicRecipes.Cql.Protocol;

namespace MusicRecipes.Cql.Connections;

// The connection's loops: one writer coalescing frames, one reader dispatching responses by stream id (and events),
// and a heartbeat that closes a connection whose node stopped answering.
internal sealed partial class CqlConnection : IAsyncDisposable
{
    private async Task WriteLoopAsync()
    {
        var buffer = new MemoryStream();
        try
        {
            var reader = _outgoing.Reader;
            while (await reader.WaitToReadAsync(_shutdown.Token).ConfigureAwait(false))
            {
                buffer.SetLength(0);
                while (buffer.Length < 64 * 1024 && reader.TryRead(out var request))
                {
                    if (!request.TryMarkWritten())
                    {
                        // The caller gave up before the frame left: the id was never used on the wire.
                        Release(request.StreamId);
                        continue;
                    }

                    buffer.Write(request.Frame);
                }

                if (buffer.Length > 0)
                {
                    await _stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), _shutdown.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Close(e);
        }
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[Frame.HeaderLength];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(header, _shutdown.Token).ConfigureAwait(false);
                var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5));
                if (length is < 0 or > Frame.MaxBodyLength)
                {
                    throw new CqlProtocolViolationException($"Frame body length {length} is out of range.");
                }

                var body = length == 0 ? Array.Empty<byte>() : new byte[length];
                await _stream.ReadExactlyAsync(body, _shutdown.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastReadTicks, Environment.TickCount64);
                var frame = new Frame(header[0], (FrameFlags)header[1], BinaryPrimitives.ReadInt16BigEndian(header.AsSpan(2)), (Opcode)header[4], body);
                Dispatch(frame);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Close(e is EndOfStreamException ? new IOException("The node closed the connection.", e) : e);
        }
    }

    private void Dispatch(Frame frame)
    {
        if (frame.Stream < 0)
        {
            if (frame.Opcode == Opcode.Event && EventReceived is { } handler)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.handler(state.frame), (handler, frame), preferLocal: false);
            }

            return;
        }

        if (frame.Stream == 0 && frame.Opcode == Opcode.Error)
        {
            // Ids start at 1, so stream 0 is a connection-level error: Cassandra 2.1 answers a STARTUP of a protocol
            // version it does not speak this way (version byte 0x83, stream 0). Hand it to every waiting request —
            // during the handshake that is the STARTUP — and close: the connection is unusable.
            for (var i = 1; i < _inFlight.Length; i++)
            {
                Interlocked.Exchange(ref _inFlight[i], null)?.Completion.TrySetResult(frame);
            }

            Close(new IOException("The node sent a connection-level error on stream 0."));
            return;
        }

        if (frame.Stream >= _inFlight.Length)
        {
            _logger.LogWarning("Response on unknown stream {Stream} from {Host} ignored", frame.Stream, EndPoint);
            return;
        }

        var request = Interlocked.Exchange(ref _inFlight[frame.Stream], null);
        if (request is null)
        {
            _logger.LogWarning("Response on idle stream {Stream} from {Host} ignored", frame.Stream, EndPoint);
            return;
        }

        // The id is free again only now that its response has arrived, even if the caller timed out long ago.
        _ids.Return(frame.Stream);
        request.Completion.TrySetResult(frame);
    }

    private void Release(short id)
    {
        if (Interlocked.Exchange(ref _inFlight[id], null) is not null)
        {
            _ids.Return(id);
        }
    }

    private async Task HeartbeatLoopAsync(TimeSpan interval, TimeSpan timeout)
    {
        try
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(_shutdown.Token).ConfigureAwait(false))
            {
                if (Environment.TickCount64 - Volatile.Read(ref _lastReadTicks) < interval.TotalMilliseconds)
                {
                    continue;
                }

                // A frozen node keeps its socket open: only an unanswered request reveals it.
                await SendAsync(RequestBuilder.Options(), timeout, _shutdown.Token).ConfigureAwait(false);
            }
        }
        catch (CqlRequestTimeoutException e)
        {
            Close(new IOException("Heartbeat not answered.", e));
        }
        catch (Exception e) when (e is OperationCanceledException or CqlException or ObjectDisposedException)
        {
            // Closed meanwhile; Close already recorded the reason.
        }
    }
}
