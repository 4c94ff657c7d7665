using System.Globalization;
using System.Net;
using System.Net.Security;
using MusicRecipes.Locking;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Network;
using MusicRecipes.Testing.Tls;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Client;

/// <summary>
/// The ZooKeeper client against a real server's secure client port (TLS, client certificates required): with the
/// authority trusted and a client certificate, the client and a lock store work there; a certificate from another
/// authority, a host name the certificate does not carry, and a missing client certificate each end the client with a
/// clear <see cref="ZooKeeperTlsException"/> after one connection; a plain client fails within its connection timeout.
/// </summary>
[Collection(TlsZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class TlsTests(TlsZooKeeper server)
{
    /// <summary>A bound for the refusals, far above what they take: only a hang or a retry loop would reach it.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_tls_client_creates_and_reads_a_node_through_the_secure_port()
    {
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await using var client = await ZooKeeperClient.ConnectAsync(server.ClientOptions());
        Assert.Equal(TlsZooKeeper.SecurePort, client.ConnectedServer!.Port); // the only port it was given, and a TLS-only one

        await client.CreateAsync(root, "over tls"u8.ToArray(), CreateMode.Persistent);
        Assert.Equal("over tls"u8.ToArray(), (await client.GetDataAsync(root)).Data.ToArray());

        // The same node seen through the plain port: one server, one tree.
        await using var plain = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = server.Ensemble.ConnectionString });
        Assert.Equal("over tls"u8.ToArray(), (await plain.GetDataAsync(root)).Data.ToArray());
    }

    [Fact]
    public async Task A_lock_store_over_tls_acquires_and_releases()
    {
        await using var store = ZooKeeperLockStore.Create(server.ClientOptions(), new ZooKeeperLockStoreOptions { RootPath = ZooKeeperEnsembleFixture.UniqueRoot() });
        var ticket = await store.EnqueueAsync(["stock"], TicketMode.Exclusive, default);
        var head = await store.CheckHeadAsync(ticket, default);
        Assert.Equal(HeadStatus.Head, head.Status);
        Assert.Equal(RecordResult.Recorded, await store.TryRecordAcquiredAsync(ticket, ticket.Positions[0], head.KeyStates![0], default));
        await store.ReleaseAsync(ticket, null, default);
        Assert.Empty(await store.ReadQueueAsync("stock", default));
        Assert.Equal(TlsZooKeeper.SecurePort, store.Client.ConnectedServer!.Port);
    }

    [Fact]
    public async Task A_server_certificate_from_an_authority_the_client_does_not_trust_ends_the_client_after_one_connection()
    {
        using var stranger = TestCertificateAuthority.Create("Some other CA");
        await using var link = SecurePortProxy();
        var options = server.ClientOptions(ThroughProxy(link));
        options.Tls!.TrustedRoots.Clear();
        options.Tls.TrustedRoots.Add(stranger.Certificate);

        await using var client = ZooKeeperClient.Start(options);
        var error = await Assert.ThrowsAsync<ZooKeeperTlsException>(() => client.ExistsAsync("/").WaitAsync(Bound));

        Assert.True(error.PolicyErrors!.Value.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors), $"policy errors: {error.PolicyErrors}");
        Assert.Contains("certificate was refused", error.Message);
        Assert.Equal(KeeperErrorCode.AuthFailed, error.Code); // sorted with refusals, never with transient losses
        await AssertStoppedAfterOneConnectionAsync(client, link);
    }

    [Fact]
    public async Task A_host_name_the_server_certificate_does_not_carry_is_refused()
    {
        var options = server.ClientOptions();
        options.Tls!.TargetHost = "zookeeper.example.org";

        var error = await Assert.ThrowsAsync<ZooKeeperTlsException>(() => ZooKeeperClient.ConnectAsync(options).WaitAsync(Bound));

        Assert.True(error.PolicyErrors!.Value.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch), $"policy errors: {error.PolicyErrors}");
        Assert.Contains("zookeeper.example.org", error.Message);
    }

    [Fact]
    public async Task Without_a_client_certificate_the_server_refuses_the_handshake_and_the_client_stops()
    {
        await using var link = SecurePortProxy();
        var options = server.ClientOptions(ThroughProxy(link));
        options.Tls!.ClientCertificates.Clear();

        await using var client = ZooKeeperClient.Start(options);
        var error = await Assert.ThrowsAsync<ZooKeeperTlsException>(() => client.ExistsAsync("/").WaitAsync(Bound));

        Assert.Null(error.PolicyErrors); // the server's certificate was fine: the server refused us
        Assert.Contains("client certificate", error.Message);
        await AssertStoppedAfterOneConnectionAsync(client, link);
    }

    [Fact]
    public async Task A_plain_client_against_the_secure_port_fails_within_its_connection_timeout()
    {
        var options = new ZooKeeperClientOptions { ConnectionString = TlsZooKeeper.SecureConnectionString, ConnectionTimeout = TimeSpan.FromSeconds(3) };

        var error = await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(options).WaitAsync(Bound));

        Assert.Contains("secureClientPort", error.Message); // the message names the likely cause
    }

    private static TcpFaultProxy SecurePortProxy() => TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, TlsZooKeeper.SecurePort));

    private static string ThroughProxy(TcpFaultProxy link) => "127.0.0.1:" + link.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every later call fails at once with the same refusal, and no second connection is ever tried.</summary>
    private static async Task AssertStoppedAfterOneConnectionAsync(ZooKeeperClient client, TcpFaultProxy link)
    {
        Assert.Equal(ZooKeeperConnectionState.Lost, client.ConnectionState);
        await Assert.ThrowsAsync<ZooKeeperTlsException>(() => client.GetChildrenAsync("/"));
        await Task.Delay(TimeSpan.FromSeconds(2)); // ten times the client's pause between rounds: room for a retry that must not come
        Assert.Equal(1, link.ConnectionsAccepted);
    }
}
