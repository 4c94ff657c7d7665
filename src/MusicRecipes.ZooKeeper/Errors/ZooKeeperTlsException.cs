using System.Net;
using System.Net.Security;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// The TLS handshake with a server failed (<see cref="ZooKeeperClientOptions.Tls"/>): its certificate did not validate
/// (<see cref="PolicyErrors"/> says how), or the server refused the handshake (no client certificate it trusts, no common
/// protocol or cipher, not a secure port). Final, like <see cref="AuthFailedException"/>: the client stops connecting —
/// the other servers share the ensemble's TLS setup, so reconnecting would be a storm of refusals — and every call
/// throws this. Its code is <see cref="KeeperErrorCode.AuthFailed"/>: neither side could authenticate the other, and code
/// that sorts errors by code treats it as the refusal it is, never as a transient connection loss.
/// </summary>
/// <example>
/// <code>
/// try { await using var zk = await ZooKeeperClient.ConnectAsync(options, ct); }
/// catch (ZooKeeperTlsException e) { logger.LogError("{Server}: {Reason}", e.Server, e.Message); throw; }
/// </code>
/// </example>
public sealed class ZooKeeperTlsException : KeeperException
{
    /// <summary>Creates the exception.</summary>
    public ZooKeeperTlsException(string? path, string message, DnsEndPoint server, SslPolicyErrors? policyErrors, Exception? innerException = null)
        : base(KeeperErrorCode.AuthFailed, path, message, innerException)
    {
        Server = server;
        PolicyErrors = policyErrors;
    }

    /// <summary>The server whose handshake failed.</summary>
    public DnsEndPoint Server { get; }

    /// <summary>What was wrong with the server's certificate, or null when the handshake failed before or beyond that check.</summary>
    public SslPolicyErrors? PolicyErrors { get; }

    /// <summary>The same failure, for a call on <paramref name="callPath"/> made after the client stopped.</summary>
    internal ZooKeeperTlsException ForCall(string? callPath) => new(callPath, Message, Server, PolicyErrors, this);
}
