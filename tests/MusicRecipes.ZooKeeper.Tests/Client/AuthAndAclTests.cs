using System.Globalization;
using System.Net;
using MusicRecipes.Locking;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Network;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Client;

/// <summary>
/// Who may touch what: digest credentials sent on every connection, the creator-only ACL they bring by default, and a
/// lock store whose tickets and key states a client without the credentials can neither read, write nor delete.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class AuthAndAclTests(ZooKeeperEnsembleFixture fixture)
{
    private const string User = "orders";
    private const string Secret = "s3cret-of-orders";

    [Fact]
    public async Task Nodes_created_with_credentials_are_closed_to_clients_without_them_or_with_a_wrong_password()
    {
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await using var owner = await fixture.ConnectAsync(auth: ZooKeeperAuthInfo.Digest(User, Secret));
        await owner.CreateAsync(root, "state"u8.ToArray(), CreateMode.Persistent);
        await owner.CreateAsync(root + "/ticket", default, CreateMode.Ephemeral);

        await using var anonymous = await fixture.ConnectAsync();
        await using var impostor = await fixture.ConnectAsync(auth: ZooKeeperAuthInfo.Digest(User, "guessed"));
        foreach (var stranger in new[] { anonymous, impostor })
        {
            await Assert.ThrowsAsync<NoAuthException>(() => stranger.GetDataAsync(root));
            await Assert.ThrowsAsync<NoAuthException>(() => stranger.SetDataAsync(root, "overwritten"u8.ToArray()));
            await Assert.ThrowsAsync<NoAuthException>(() => stranger.DeleteAsync(root + "/ticket"));
            await Assert.ThrowsAsync<NoAuthException>(() => stranger.CreateAsync(root + "/intruder", default, CreateMode.Persistent));
        }

        await using var colleague = await fixture.ConnectAsync(auth: ZooKeeperAuthInfo.Digest(User, Secret));
        Assert.Equal("state"u8.ToArray(), (await colleague.GetDataAsync(root)).Data.ToArray());
        await colleague.DeleteAsync(root + "/ticket");
    }

    [Fact]
    public async Task Credentials_are_presented_again_on_every_reconnect()
    {
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await using var link = TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, Port(fixture.Ensemble.ConnectionStringFor(0))));
        await using var owner = await fixture.ConnectAsync("127.0.0.1:" + link.Port.ToString(CultureInfo.InvariantCulture), auth: ZooKeeperAuthInfo.Digest(User, Secret));
        await owner.CreateAsync(root, "v1"u8.ToArray(), CreateMode.Persistent);
        var session = owner.SessionId;
        var states = new StateRecorder(owner);

        link.Reset(); // the connection drops; the client reconnects on the same session
        await Eventually.TrueAsync(() => states.Saw(ZooKeeperConnectionState.Reconnected), TimeSpan.FromSeconds(20), "the client reconnects");
        Assert.Equal(session, owner.SessionId);
        Assert.Equal("v1"u8.ToArray(), (await owner.GetDataAsync(root)).Data.ToArray()); // NoAuth if the new connection were anonymous
        await owner.SetDataAsync(root, "v2"u8.ToArray());
    }

    [Fact]
    public async Task A_scheme_the_servers_refuse_ends_the_client_with_a_clear_error_and_no_reconnects()
    {
        await using var refused = await fixture.ConnectAsync(auth: new ZooKeeperAuthInfo("no-such-scheme", "orders:topsecret"u8.ToArray()));
        var states = new StateRecorder(refused);

        var error = await Eventually.WithinAsync(RetryUntilAuthFailedAsync(refused), TimeSpan.FromSeconds(20), "the refusal reaches the caller");
        Assert.Contains("no-such-scheme", error.Message);
        Assert.Equal(ZooKeeperConnectionState.Lost, refused.ConnectionState); // the refusal may come before the recorder listens
        Assert.DoesNotContain("topsecret", error.Message); // credentials never reach messages or logs
        Assert.DoesNotContain("topsecret", refused.Options.AuthInfo[0].ToString());
        await Assert.ThrowsAsync<AuthFailedException>(() => refused.ExistsAsync("/")); // at once: no reconnect is tried
        Assert.DoesNotContain(ZooKeeperConnectionState.Reconnected, states.States);
    }

    [Fact]
    public async Task A_lock_store_with_credentials_keeps_its_tickets_and_key_states_from_a_store_without_them()
    {
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await using var owner = ZooKeeperLockStore.Create(fixture.ClientOptions(auth: ZooKeeperAuthInfo.Digest(User, Secret)), new ZooKeeperLockStoreOptions { RootPath = root });
        var ticket = await owner.EnqueueAsync(["stock"], TicketMode.Exclusive, default);
        var head = await owner.CheckHeadAsync(ticket, default);
        Assert.Equal(HeadStatus.Head, head.Status);
        Assert.Equal(RecordResult.Recorded, await owner.TryRecordAcquiredAsync(ticket, ticket.Positions[0], head.KeyStates![0], default));

        await using var stranger = ZooKeeperLockStore.Create(fixture.ClientOptions(), new ZooKeeperLockStoreOptions { RootPath = root });
        var entry = Assert.Single(await owner.ReadQueueAsync("stock", default));
        var refusedRead = await Assert.ThrowsAsync<MusicException>(() => stranger.ReadQueueAsync("stock", default));
        Assert.IsType<NoAuthException>(refusedRead.InnerException);
        var refusedRemoval = await Assert.ThrowsAsync<MusicException>(() => stranger.ForceRemoveAsync(entry, default));
        Assert.IsType<NoAuthException>(refusedRemoval.InnerException);
        await Assert.ThrowsAsync<MusicException>(() => stranger.GetKeyStateAsync("stock", default));

        Assert.False(ticket.LostToken.IsCancellationRequested, "the stranger's attempts took nothing away");
        Assert.Equal(HeadStatus.Head, (await owner.CheckHeadAsync(ticket, default)).Status);
        await owner.ReleaseAsync(ticket, null, default);
    }

    private static int Port(string hostAndPort) => int.Parse(hostAndPort[(hostAndPort.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    private static async Task<AuthFailedException> RetryUntilAuthFailedAsync(ZooKeeperClient client)
    {
        while (true)
        {
            try
            {
                await client.ExistsAsync("/");
            }
            catch (AuthFailedException e)
            {
                return e;
            }
            catch (ConnectionLossException)
            {
                // the request raced the refusal on the same connection
            }

            await Task.Delay(50);
        }
    }
}
