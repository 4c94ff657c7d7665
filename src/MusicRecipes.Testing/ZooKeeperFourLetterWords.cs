using System.Net.Sockets;
using System.Text;

namespace MusicRecipes.Testing;

/// <summary>ZooKeeper's four-letter admin commands ("ruok", "srvr", "mntr"): send the word, read until the server closes.</summary>
internal static class ZooKeeperFourLetterWords
{
    public static Task<string?> AskAsync(int port, string word, CancellationToken cancellationToken) =>
        AskAsync("127.0.0.1", port, word, cancellationToken);

    /// <summary>Asks the server at <paramref name="host"/> (an address; the container kit publishes each server on one of its own).</summary>
    public static async Task<string?> AskAsync(string host, int port, string word, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(word), timeout.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return await reader.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>"leader", "follower" or "standalone" from <c>srvr</c>, or <c>null</c> while the server does not serve.</summary>
    public static Task<string?> ModeAsync(int port, CancellationToken cancellationToken) => ModeAsync("127.0.0.1", port, cancellationToken);

    /// <summary>The mode of the server at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task<string?> ModeAsync(string host, int port, CancellationToken cancellationToken)
    {
        var answer = await AskAsync(host, port, "srvr", cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            return null;
        }

        foreach (var line in answer.Split('\n'))
        {
            if (line.StartsWith("Mode:", StringComparison.Ordinal))
            {
                return line["Mode:".Length..].Trim();
            }
        }

        return null;
    }
}
