using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MusicRecipes.Bench;

/// <summary>
/// Reads how many client packets the ZooKeeper servers have received (the "Received:" line of the <c>srvr</c>
/// four-letter word). The difference over a burst of sections is the number of requests they cost, measured on the
/// servers rather than inferred from the client code.
/// </summary>
internal static class ZooKeeperPacketCounter
{
    public static async Task<long> TotalReceivedAsync(IEnumerable<int> clientPorts, CancellationToken cancellationToken)
    {
        long total = 0;
        foreach (var port in clientPorts)
        {
            total += await ReceivedAsync(port, cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    private static async Task<long> ReceivedAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync("srvr"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var line = answer.Split('\n').FirstOrDefault(l => l.StartsWith("Received:", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"ZooKeeper on port {port} gave no 'Received:' line to srvr: {answer}");
        return long.Parse(line["Received:".Length..].Trim(), CultureInfo.InvariantCulture);
    }
}
