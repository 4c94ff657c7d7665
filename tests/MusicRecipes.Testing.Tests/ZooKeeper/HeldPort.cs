using System.Net;
using System.Net.Sockets;

namespace MusicRecipes.Testing.Tests.ZooKeeper;

/// <summary>
/// Holds a local port the way a client's outgoing connection does when Linux gave it that port: a connected socket
/// without SO_REUSEADDR, which keeps any server from listening there. Disposing resets the connection, so the port is
/// free at once (no TIME_WAIT).
/// </summary>
internal sealed class HeldPort : IDisposable
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private readonly TcpListener _peer = new(IPAddress.Loopback, 0);
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private Socket? _accepted;

    public HeldPort(int port)
    {
        _peer.Start();
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));

        // .NET turns SO_REUSEADDR on when binding; a connect-time port of an ordinary client has it off.
        _socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(0));
        _socket.Connect(_peer.LocalEndpoint);
        _accepted = _peer.AcceptSocket();
        _socket.LingerState = new LingerOption(true, 0);
    }

    public void Dispose()
    {
        _socket.Dispose();
        _accepted?.Dispose();
        _accepted = null;
        _peer.Stop();
    }
}
