using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MusicRecipes.Bench;

/// <summary>
/// Reads how many client packets the ZooKeeper servers have received (the "Received:" line of the <c>srvr</c>
/// four-letter word), and the newest transaction id they applied (its "Zxid:" line). Over a burst of sections the
/// first difference is the number of requests they cost and the second the number of writes (every write, a refused
/// multi included, takes the next zxid), measured on the servers rather than inferred from the client code.
/// </summary>
internal static class ZooKeeperPacketCounter
{
    public static async Task<long> TotalReceivedAsync(IEnumerable<int> clientPorts, CancellationToken cancellationToken)
    {
        long total = 0;
        foreach (var port in clientPorts)
        {
            total += long.Parse(await SrvrLineAsync(port, "Received:", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        return total;
    }

    /// <summary>The highest zxid any of the servers applied (within one leader's epoch, the count of writes so far).</summary>
    public static async Task<long> NewestZxidAsync(IEnumerable<int> clientPorts, CancellationToken cancellationToken)
    {
        long newest = 0;
        foreach (var port in clientPorts)
        {
            var hex = await SrvrLineAsync(port, "Zxid:", cancellationToken).ConfigureAwait(false);
            newest = Math.Max(newest, long.Parse(hex.Replace("0x", string.Empty, StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }

        return newest;
    }

    private static async Task<string> SrvrLineAsync(int port, string label, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync("srvr"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var line = answer.Split('\n').FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"ZooKeeper on port {port} gave no '{label}' line to srvr: {answer}");
        return line[label.Length..].Trim();
    }
}
