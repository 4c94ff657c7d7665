using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MusicRecipes.Hosting;
using MusicRecipes.InMemory;
using MusicRecipes.Recipes.Failover;
using MusicRecipes.Recipes.Leader;
using MusicRecipes.Recipes.Locks;
using MusicRecipes.Recipes.Queue;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>AddMusic and the recipes' Add… methods in a real generic host (in-memory backend).</summary>
public sealed class HostingTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly InMemoryMusicCluster _cluster = new(3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromSeconds(2) });

    [Fact]
    public async Task Recipes_resolve_from_DI_and_run_in_a_host()
    {
        var leaderTerms = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var activeResumed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new ConcurrentQueue<(string Payload, long Fence)>();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMusic(o => o.UseInMemory(_cluster, site: 1))
            .AddMusicMutex("stock", "stock:apples")
            .AddMusicLeaderService("reports", async (sp, term, ct) =>
            {
                Assert.NotNull(sp.GetRequiredService<IMusicClient>());
                leaderTerms.TrySetResult(term.FencingToken.Value);
                await Task.Delay(Timeout.Infinite, ct);
            })
            .AddMusicLeaderService<RecordingLeaderService>("scheduler")
            .AddMusicActivePassive<long>("meter", async (_, active, ct) =>
            {
                await active.CheckpointAsync(active.State + 1, ct);
                activeResumed.TrySetResult(active.State);
                await Task.Delay(Timeout.Infinite, ct);
            })
            .AddMusicWorkQueueWorker("templates", (_, item, fence, _) =>
            {
                handled.Enqueue((item.PayloadAsString(), fence.Value));
                return Task.FromResult(WorkItemOutcome.Completed);
            });
        builder.Services.AddSingleton<RecordingLeaderService.Log>();
        builder.Services.AddHealthChecks().AddMusicHealthChecks();
        using var host = builder.Build();
        await host.StartAsync();

        Assert.True(await leaderTerms.Task.WaitAsync(Patience) > 0);
        Assert.Equal(0, await activeResumed.Task.WaitAsync(Patience));
        await host.Services.GetRequiredService<RecordingLeaderService.Log>().Started.Task.WaitAsync(Patience);

        // A producer at another site submits; the host's worker takes it.
        var producer = new MusicWorkQueue(_cluster.CreateClient(0), "templates");
        var id = await producer.SubmitStringAsync("vm:4cpu");
        while (handled.IsEmpty)
        {
            await Task.Delay(10).WaitAsync(Patience);
        }

        Assert.Equal("vm:4cpu", handled.Single().Payload);
        Assert.Equal(WorkItemState.Done, (await producer.GetStatusAsync(id)).State);

        var mutex = host.Services.GetRequiredKeyedService<MusicMutex>("stock");
        await using (var section = await mutex.AcquireAsync(Patience))
        {
            await section.PutStringAsync("stock:apples", "12");
        }

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal("site-1", host.Services.GetRequiredService<IMusicClient>().Site);
        Assert.True(host.Services.GetRequiredKeyedService<MusicLeaderElection>("reports").IsLeader);
        Assert.True(host.Services.GetRequiredKeyedService<MusicActivePassiveReplica<long>>("meter").IsActive);

        await host.StopAsync();
        Assert.False(host.Services.GetRequiredKeyedService<MusicLeaderElection>("reports").IsLeader);
    }

    [Fact]
    public async Task Options_are_bound_from_the_Music_configuration_section()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Music:InMemory:Sites"] = "3",
            ["Music:InMemory:Site"] = "2",
            ["Music:HoldLease"] = "00:00:30",
            ["Music:Resilience:MaxRetryAttempts"] = "2",
            ["Music:Resilience:BaseDelay"] = "00:00:00.001",
        });
        builder.Services.AddMusic(o => o.UseInMemory()); // sites and site from configuration
        using var host = builder.Build();

        var client = host.Services.GetRequiredService<IMusicClient>();
        Assert.Equal("site-2", client.Site);
        var clientOptions = host.Services.GetRequiredService<MusicClientOptions>();
        Assert.Equal(TimeSpan.FromSeconds(30), clientOptions.HoldLease);

        // The Polly pipeline retries transient backend faults: two failures, then success.
        var attempts = 0;
        await clientOptions.Resilience.ExecuteAsync(_ =>
        {
            if (++attempts < 3)
            {
                throw new MusicUnavailableException("no quorum");
            }

            return ValueTask.CompletedTask;
        });
        Assert.Equal(3, attempts);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await clientOptions.Resilience.ExecuteAsync(_ => throw new InvalidOperationException("not transient")));
    }

    [Fact]
    public void Without_a_backend_resolving_the_client_explains_what_to_do()
    {
        var services = new ServiceCollection();
        services.AddMusic();
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IMusicClient>());
        Assert.Contains("UseInMemory", error.Message);
    }

    [Fact]
    public async Task A_custom_backend_plugs_in_through_the_client_factory()
    {
        var services = new ServiceCollection();
        services.AddMusic(o => o.UseClientFactory((_, clientOptions) => _cluster.CreateClient(0, clientOptions)));
        await using var provider = services.BuildServiceProvider();
        Assert.Equal("site-0", provider.GetRequiredService<IMusicClient>().Site);
    }

    [Fact]
    public async Task Health_follows_the_lock_session_healthy_degraded_unhealthy_and_back()
    {
        // The cluster runs on a fake clock: the session moves only when the test advances time, so the Suspended
        // window cannot be skipped by a starved heartbeat (on the real clock a beat queued behind the lease's expiry
        // made Suspended last microseconds, and a health poll missed it on a loaded CI machine).
        var clock = new FakeTimeProvider();
        var sessionTimeout = TimeSpan.FromSeconds(2);
        var beat = sessionTimeout / 6;
        await using var cluster = new InMemoryMusicCluster(3, new InMemoryClusterOptions { SessionTimeout = sessionTimeout, TimeProvider = clock });
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMusic(o => o.UseInMemory(cluster, site: 2));
        services.AddHealthChecks().AddMusicHealthChecks();
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        cluster.CutOff(2);
        clock.Advance(beat);                                           // the next beat cannot reach the lock service
        await EventuallyStatusAsync(health, HealthStatus.Degraded);   // Suspended
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync()).Status); // and it stays so while time stands
        clock.Advance(sessionTimeout);                                 // the lease runs out
        await EventuallyStatusAsync(health, HealthStatus.Unhealthy);  // Lost
        cluster.Heal(2);
        clock.Advance(beat);                                           // the next beat opens a new session
        await EventuallyStatusAsync(health, HealthStatus.Healthy);

        await provider.GetRequiredService<IMusicClient>().DisposeAsync();
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status); // Closed
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static async Task EventuallyStatusAsync(HealthCheckService health, HealthStatus expected)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while ((await health.CheckHealthAsync()).Status != expected)
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>A derived leader service resolved with ActivatorUtilities (its election is passed in).</summary>
    private sealed class RecordingLeaderService(MusicLeaderElection election, RecordingLeaderService.Log log) : MusicLeaderService(election)
    {
        protected override async Task ExecuteAsLeaderAsync(LeadershipTerm term, CancellationToken cancellationToken)
        {
            Assert.Equal("scheduler", term.Group);
            log.Started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public sealed class Log
        {
            public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
