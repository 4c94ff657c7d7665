using MusicRecipes.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MusicRecipes.ZooKeeper;
using MusicRecipes.Hosting;
using MusicRecipes.Recipes.Tests.Infrastructure.Real;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>AddMusic on real servers: UseCassandra + UseZooKeeperLocks / UseCassandraLocks, settings in code and from configuration.</summary>
[Collection(RealBackendCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class RealBackendHostingTests(RealBackendServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // A keyspace per test: tables and lock queues of one test never meet another's.
    private static string NewKeyspace() => "hosting_" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_host_with_Cassandra_data_and_ZooKeeper_locks_runs_a_critical_section_and_reports_healthy()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMusic()
            .UseCassandra(c =>
            {
                c.ContactPoints.Add("127.0.0.1");
                c.Port = RealBackendServers.CassandraPort;
                c.Keyspace = NewKeyspace();
                c.ReplicationFactor = 1;
            })
            .UseZooKeeperLocks(servers.ZooKeeperConnectionString + "/hosting-tests", z => z.SessionTimeout = TimeSpan.FromSeconds(4));
        builder.Services.AddHealthChecks().AddMusicHealthChecks();
        using var host = builder.Build();
        await host.StartAsync();

        var client = host.Services.GetRequiredService<IMusicClient>();
        Assert.Equal("datacenter1", client.Site);
        Assert.Equal(1, await IncrementAsync(client, "hosting:counter"));
        Assert.Equal(2, await IncrementAsync(client, "hosting:counter"));

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var entry = health.Entries["music"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("1/1", entry.Data["cassandra.nodesUp"]);
        Assert.StartsWith("0x", (string)entry.Data["zookeeper.session"], StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task ZooKeeper_credentials_from_configuration_guard_the_locks_and_never_show_in_logs_or_health_data()
    {
        const string secret = "pa55-never-logged";
        var root = "/auth-tests-" + Guid.NewGuid().ToString("N")[..8]; // top level: its creator-only ACL must not close a path other tests share
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFakeLogging();
        builder.Configuration.AddInMemoryCollection(ServerSettings(root));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Music:ZooKeeper:Username"] = "orders",
            ["Music:ZooKeeper:Password"] = secret,
        });
        builder.Services.AddMusic().UseCassandra().UseZooKeeperLocks();
        builder.Services.AddHealthChecks().AddMusicHealthChecks();
        using var host = builder.Build();
        await host.StartAsync();

        var client = host.Services.GetRequiredService<IMusicClient>();
        Assert.Equal(1, await IncrementAsync(client, "auth:counter"));

        // A client without the credentials cannot even list the lock queues.
        await using (var stranger = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = servers.ZooKeeperConnectionString }))
        {
            await Assert.ThrowsAsync<NoAuthException>(() => stranger.GetChildrenAsync(root));
        }

        var health = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["music"];
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.DoesNotContain(secret, health.Description ?? string.Empty);
        Assert.DoesNotContain(health.Data.Values, v => v.ToString()!.Contains(secret, StringComparison.Ordinal));
        await host.StopAsync();

        var logs = host.Services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, r => r.Message.Contains(secret, StringComparison.Ordinal) || (r.Exception?.ToString().Contains(secret, StringComparison.Ordinal) ?? false));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Each_backend_reads_its_settings_from_configuration(bool zooKeeperLocks)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(ServerSettings("/hosting-tests/config"));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Music:Cassandra:LockSessionTimeout"] = "00:00:05" });
        var music = builder.Services.AddMusic().UseCassandra();
        _ = zooKeeperLocks ? music.UseZooKeeperLocks() : music.UseCassandraLocks();
        builder.Services.AddHealthChecks().AddMusicHealthChecks();
        using var host = builder.Build();
        await host.StartAsync();

        var client = host.Services.GetRequiredService<IMusicClient>();
        Assert.Equal(1, await IncrementAsync(client, "config:counter"));
        var health = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["music"];
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(zooKeeperLocks, health.Data.ContainsKey("zookeeper.session"));
        await host.StopAsync();
    }

    /// <summary>One critical section: read the counter at QUORUM, write it back incremented, release.</summary>
    /// <summary>Configuration of both backends on the suite's servers, a keyspace of its own and <paramref name="lockRoot"/>.</summary>
    private Dictionary<string, string?> ServerSettings(string lockRoot) => new()
    {
        ["Music:Cassandra:ContactPoints:0"] = "127.0.0.1",
        ["Music:Cassandra:Port"] = RealBackendServers.CassandraPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Music:Cassandra:Keyspace"] = NewKeyspace(),
        ["Music:Cassandra:ReplicationFactor"] = "1",
        ["Music:ZooKeeper:ConnectionString"] = servers.ZooKeeperConnectionString,
        ["Music:ZooKeeper:RootPath"] = lockRoot,
    };

    private static async Task<int> IncrementAsync(IMusicClient client, string key)
    {
        var lockRef = await client.CreateLockRefAsync([key]);
        await client.WaitForLockAsync(lockRef, Patience);
        var value = int.Parse(await client.CriticalGetStringAsync(lockRef, key) ?? "0", System.Globalization.CultureInfo.InvariantCulture) + 1;
        await client.CriticalPutStringAsync(lockRef, key, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await client.ReleaseLockAsync(lockRef);
        return value;
    }
}
