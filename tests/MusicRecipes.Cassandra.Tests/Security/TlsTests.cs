using System.Net;
using System.Net.Security;
using MusicRecipes.Cql;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Network;
using MusicRecipes.Testing.Tls;
using MusicRecipes.Tls;

namespace MusicRecipes.Cassandra.Tests.Security;

/// <summary>
/// The CQL client against a real node that serves TLS only and requires client certificates: with the authority
/// trusted and a client certificate, sessions and the MUSIC stores work; a certificate from another authority, a host
/// name the certificate does not carry, and a missing client certificate are each a clear <see cref="CqlTlsException"/>
/// at once, with no second connection; a plain client fails within its connect timeout instead of hanging.
/// </summary>
[Collection(TlsCassandraCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class TlsTests(TlsCassandra node)
{
    /// <summary>A bound for the refusals, far above what they take: only a hang or a retry loop would reach it.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_tls_session_runs_queries_and_the_stores_run_a_critical_section()
    {
        await using var session = await CqlSession.ConnectAsync(node.SessionOptions());
        var release = await session.ExecuteAsync(new CqlQuery("SELECT release_version FROM system.local"));
        Assert.StartsWith("2.1", Assert.Single(release.Rows).Get<string>("release_version"));

        var keyspace = "tls_" + Guid.NewGuid().ToString("N")[..8];
        await CriticalSectionOverSession.RunAsync(session, keyspace);
    }

    [Fact]
    public async Task A_node_certificate_from_an_authority_the_client_does_not_trust_is_refused_once_and_not_retried()
    {
        using var stranger = TestCertificateAuthority.Create("Some other CA");
        await using var link = TcpFaultProxy.Start(node.Cluster.EndPointOf(1));
        var options = ThroughProxy(link, tls =>
        {
            tls.TrustedRoots.Clear();
            tls.TrustedRoots.Add(stranger.Certificate);
        });

        var error = await Assert.ThrowsAsync<CqlTlsException>(() => CqlSession.ConnectAsync(options).WaitAsync(Bound));

        Assert.NotNull(error.PolicyErrors);
        Assert.True(error.PolicyErrors!.Value.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors), $"policy errors: {error.PolicyErrors}");
        Assert.Contains("certificate was refused", error.Message);
        Assert.Contains(link.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message); // names the endpoint it tried
        await Task.Delay(options.ReconnectBaseDelay * 5); // room for a retry that must not come
        Assert.Equal(1, link.ConnectionsAccepted);
    }

    [Fact]
    public async Task A_host_name_the_node_certificate_does_not_carry_is_refused()
    {
        var options = node.SessionOptions(o => o.Tls!.TargetHost = "cassandra.example.org");

        var error = await Assert.ThrowsAsync<CqlTlsException>(() => CqlSession.ConnectAsync(options).WaitAsync(Bound));

        Assert.True(error.PolicyErrors!.Value.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch), $"policy errors: {error.PolicyErrors}");
        Assert.Contains("cassandra.example.org", error.Message);
    }

    [Fact]
    public async Task The_certificate_is_accepted_for_the_name_it_carries_when_the_client_connects_by_another()
    {
        // The node's certificate carries "localhost" too: a client that reaches the node by address but expects that name works.
        await using var session = await CqlSession.ConnectAsync(node.SessionOptions(o => o.Tls!.TargetHost = "localhost"));
        Assert.Single((await session.ExecuteAsync(new CqlQuery("SELECT key FROM system.local"))).Rows);
    }

    [Fact]
    public async Task Without_a_client_certificate_the_node_refuses_the_handshake_once()
    {
        await using var link = TcpFaultProxy.Start(node.Cluster.EndPointOf(1));
        var options = ThroughProxy(link, tls => tls.ClientCertificates.Clear());

        var error = await Assert.ThrowsAsync<CqlTlsException>(() => CqlSession.ConnectAsync(options).WaitAsync(Bound));

        Assert.Null(error.PolicyErrors); // the node's certificate was fine: the node refused us
        Assert.Contains("client certificate", error.Message);
        await Task.Delay(options.ReconnectBaseDelay * 5);
        Assert.Equal(1, link.ConnectionsAccepted);
    }

    [Fact]
    public async Task A_plain_client_against_the_tls_port_fails_within_its_connect_timeout()
    {
        var options = node.SessionOptions(o => o.Tls = null);

        var error = await Assert.ThrowsAnyAsync<CqlException>(() => CqlSession.ConnectAsync(options).WaitAsync(Bound));

        Assert.IsNotType<CqlTlsException>(error);
        Assert.Contains(node.Cluster.EndPointOf(1).ToString(), error.Message);
        Assert.Contains("CqlSessionOptions.Tls", error.Message); // the message names the likely cause
    }

    /// <summary>The kit's TLS options, changed by <paramref name="configure"/>, with the node reached through <paramref name="link"/> only.</summary>
    private CqlSessionOptions ThroughProxy(TcpFaultProxy link, Action<TlsClientOptions> configure)
    {
        var options = node.SessionOptions(o =>
        {
            o.ContactPoints.Clear();
            o.ContactPoints.Add(IPAddress.Loopback.ToString());
            o.Port = link.Port;
            o.DiscoverPeers = false;
        });
        configure(options.Tls!);
        return options;
    }
}
