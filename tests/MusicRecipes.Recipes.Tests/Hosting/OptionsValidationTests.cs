using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MusicRecipes.Hosting;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>A bad configuration fails the host's start with a message naming the setting; connecting never blocks the container.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Music:InMemory:Sites", "0", "Music:InMemory:Sites")]
    [InlineData("Music:InMemory:Site", "3", "Music:InMemory:Site (3) must be below Music:InMemory:Sites (3)")]
    [InlineData("Music:InMemory:SessionTimeout", "-00:00:01", "Music:InMemory:SessionTimeout")]
    [InlineData("Music:MaxValueBytes", "0", "Music:MaxValueBytes")]
    [InlineData("Music:HoldLease", "00:00:00", "Music:HoldLease")]
    [InlineData("Music:Resilience:MaxDelay", "00:00:00.001", "Music:Resilience:MaxDelay")]
    public async Task A_bad_setting_fails_the_start_with_its_name(string setting, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [setting] = value });
        builder.Services.AddMusic(o => o.UseInMemory());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Music:Cassandra:Port", "70000", "Music:Cassandra:Port")]
    [InlineData("Music:Cassandra:Keyspace", "bad-name", "Music:Cassandra:Keyspace")]
    [InlineData("Music:ZooKeeper:RootPath", "locks", "Music:ZooKeeper:RootPath")]
    [InlineData("Music:ZooKeeper:SessionTimeout", "00:00:00", "Music:ZooKeeper:SessionTimeout")]
    public async Task A_bad_backend_setting_fails_the_start_with_its_name(string setting, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Music:Cassandra:ContactPoints:0"] = "127.0.0.1",
            ["Music:ZooKeeper:ConnectionString"] = "127.0.0.1:2181",
            [setting] = value,
        });
        builder.Services.AddMusic().UseCassandra().UseZooKeeperLocks();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.Contains(expected, Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_chosen_without_its_servers_fails_the_start_naming_the_missing_setting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMusic().UseCassandra().UseZooKeeperLocks();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.Contains("Music:Cassandra:ContactPoints", Messages(error), StringComparison.Ordinal);
        Assert.Contains("Music:ZooKeeper:ConnectionString", Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_chosen_for_data_and_locks_registers_its_settings_and_session_once_and_both_configures_apply()
    {
        var services = new ServiceCollection();
        services.AddMusic()
            .UseCassandra(c => c.ContactPoints.Add("10.0.0.1"))
            .UseCassandraLocks(c => c.Keyspace = "orders")
            .UseZooKeeperLocks("zk1:2181"); // the last lock store chosen wins
        await using var provider = services.BuildServiceProvider(); // the CQL session holder is only asynchronously disposable

        Assert.Equal(2, provider.GetServices<IValidateOptions<CassandraBackendOptions>>().Count()); // attributes and rules, once
        Assert.Equal(2, provider.GetServices<IMusicBackendProbe>().Count()); // one per backend
        var cassandra = provider.GetRequiredService<IOptions<CassandraBackendOptions>>().Value;
        Assert.Equal(["10.0.0.1"], cassandra.ContactPoints);
        Assert.Equal("orders", cassandra.Keyspace);
        Assert.Equal("zk1:2181", provider.GetRequiredService<IOptions<ZooKeeperBackendOptions>>().Value.ConnectionString);
    }

    [Fact]
    public void No_backend_chosen_is_a_clear_error_naming_the_choices()
    {
        var services = new ServiceCollection();
        services.AddMusic();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IMusicClient>());
        Assert.Contains("UseInMemory", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseZooKeeperLocks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolving_the_client_connects_nothing_and_an_unreachable_backend_fails_the_start_by_name()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMusic()
            .UseCassandra(c =>
            {
                c.ContactPoints.Add("127.0.0.1");
                c.Port = 1; // nothing listens there
                c.LocalDataCenter = "dc1";
                c.ConnectTimeout = TimeSpan.FromSeconds(2);
            })
            .UseZooKeeperLocks("127.0.0.1:1", z => z.ConnectionTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddHealthChecks().AddMusicHealthChecks();
        using var host = builder.Build();

        var client = host.Services.GetRequiredService<IMusicClient>(); // no I/O here
        Assert.Equal(LockSessionState.Latent, client.SessionState);
        Assert.Equal("dc1", client.Site);

        var error = await Assert.ThrowsAsync<MusicUnavailableException>(() => host.StartAsync());
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("port 1", error.Message, StringComparison.Ordinal);

        // Not kept: every use tries again, and the health check reports the connect error.
        await Assert.ThrowsAsync<MusicUnavailableException>(() => client.GetAsync("k"));
        var health = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["music"];
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("could not start", health.Description, StringComparison.Ordinal);
    }

    /// <summary>Every options failure in <paramref name="error"/>: one, or several aggregated when more than one options type failed.</summary>
    private static string Messages(Exception error) => error switch
    {
        OptionsValidationException single => single.Message,
        AggregateException many when many.InnerExceptions.All(e => e is OptionsValidationException) => string.Join("; ", many.InnerExceptions.Select(e => e.Message)),
        _ => throw new Xunit.Sdk.XunitException($"expected an options validation failure, got {error}"),
    };
}
