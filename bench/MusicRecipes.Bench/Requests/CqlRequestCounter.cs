using System.Buffers.Binary;
using System.Net;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Bench;

/// <summary>
/// Counts the CQL requests a Cassandra node receives from the sessions that connect through it: a proxy in front of
/// the node's native port reads the frame headers of what clients send (version, flags, stream, opcode, length) and
/// counts QUERY, EXECUTE and BATCH frames — statements the coordinator runs. PREPARE, OPTIONS (heartbeats) and the
/// handshake are not counted.
/// </summary>
internal sealed class CqlRequestCounter : IAsyncDisposable
{
    private const byte Query = 0x07;
    private const byte Execute = 0x0A;
    private const byte Batch = 0x0D;

    private readonly TcpFaultProxy _proxy;
    private long _requests;

    public CqlRequestCounter(IPEndPoint node)
    {
        _proxy = TcpFaultProxy.Start(node);
        _proxy.ClientStreamObserver = () => new FrameReader(opcode =>
        {
            if (opcode is Query or Execute or Batch)
            {
                Interlocked.Increment(ref _requests);
            }
        }).Read;
    }

    /// <summary>The port to connect sessions to (on 127.0.0.1).</summary>
    public int Port => _proxy.Port;

    public long Requests => Interlocked.Read(ref _requests);

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    /// <summary>Follows one connection's byte stream frame by frame, however the chunks split it.</summary>
    private sealed class FrameReader(Action<byte> onFrame)
    {
        private readonly byte[] _header = new byte[9];
        private int _headerRead;
        private long _bodyLeft;

        public void Read(ReadOnlyMemory<byte> chunk)
        {
            var span = chunk.Span;
            while (!span.IsEmpty)
            {
                if (_bodyLeft > 0)
                {
                    var skip = (int)Math.Min(_bodyLeft, span.Length);
                    _bodyLeft -= skip;
                    span = span[skip..];
                    continue;
                }

                _header[_headerRead++] = span[0];
                span = span[1..];

                // Protocol v3+ headers are 9 bytes (two-byte stream id), v1-v2 8 bytes; the version is the first byte.
                var headerLength = (_header[0] & 0x7F) >= 3 ? 9 : 8;
                if (_headerRead == headerLength)
                {
                    onFrame(_header[headerLength - 5]);
                    _bodyLeft = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(headerLength - 4, 4));
                    _headerRead = 0;
                }
            }
        }
    }
}
