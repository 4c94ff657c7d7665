using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using MusicRecipes.Tls;
using MusicRecipes.ZooKeeper.Protocol;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Opening a connection to one server: TCP, the TLS handshake when <see cref="ZooKeeperClientOptions.Tls"/> is set, and
/// ZooKeeper's own handshake (see <see cref="ConnectHandshake"/>), all within one connect timeout. On any failure the
/// socket is closed.
/// </summary>
internal static class ServerHandshake
{
    /// <summary>
    /// Connects, runs the TLS handshake if <paramref name="tls"/> is set, and performs the ZooKeeper handshake. The caller
    /// decides what a timeout of 0 (expired session) means.
    /// </summary>
    /// <exception cref="ZooKeeperTlsException">The TLS handshake failed for good.</exception>
    public static async Task<HandshakenStream> RunAsync(
        DnsEndPoint server,
        byte[] connectRequest,
        TimeSpan connectTimeout,
        TlsClientOptions? tls,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(server, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is not null)
            {
                try
                {
                    stream = await TlsClientHandshake.AuthenticateAsync(stream, server.Host, tls, timeout.Token).ConfigureAwait(false);
                }
                catch (TlsHandshakeException e)
                {
                    // For a dropped connection this rethrows SslStream's own IOException: keep its stack.
                    ExceptionDispatchInfo.Throw(ZooKeeperTlsFailure.ToException(e, server));
                }
            }

            var sentAt = Stopwatch.GetTimestamp();
            await stream.WriteAsync(connectRequest, timeout.Token).ConfigureAwait(false);
            var prefix = new byte[4];
            await ReceiveExactlyAsync(stream, prefix, tls is null, timeout.Token).ConfigureAwait(false);
            var length = ConnectHandshake.ReadLength(prefix);
            if (length is < 36 or > 1024)
            {
                throw new InvalidDataException($"ZooKeeper server {server.Host}:{server.Port} sent a ConnectResponse of {length} bytes.");
            }

            var frame = new byte[length];
            await ReceiveExactlyAsync(stream, frame, tls is null, timeout.Token).ConfigureAwait(false);
            var handshake = ConnectHandshake.DecodeResponse(frame);
            return new HandshakenStream(socket, stream, handshake, sentAt);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await CloseAsync(socket, stream).ConfigureAwait(false);
            throw new TimeoutException($"No handshake with ZooKeeper server {server.Host}:{server.Port} within {connectTimeout.TotalMilliseconds:F0} ms.");
        }
        catch
        {
            await CloseAsync(socket, stream).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task ReceiveExactlyAsync(Stream stream, Memory<byte> buffer, bool plain, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            // A secure client port drops a plain ConnectRequest without a word: say so, or the cause stays a riddle.
            throw new IOException(
                plain
                    ? "The ZooKeeper server closed the connection during the handshake (a secureClientPort does that to a client without ZooKeeperClientOptions.Tls)."
                    : "The ZooKeeper server closed the connection during the handshake.",
                e);
        }
    }

    private static async ValueTask CloseAsync(Socket socket, Stream? stream)
    {
        if (stream is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        socket.Dispose();
    }
}

/// <summary>A connection to a server after the handshake: the socket, the stream over it, the server's answer, and when the request went out.</summary>
internal sealed record HandshakenStream(Socket Socket, Stream Stream, ConnectResponse Response, long ConnectSentTimestamp);
