using Medallion.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MusicRecipes.Hosting;
using MusicRecipes.Recipes.Leader;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>The container's <see cref="TimeProvider"/> reaches the client, the recipes and the lock provider.</summary>
public sealed class TimeProviderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_containers_clock_times_the_recipes_and_the_lock_waits()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddMusic(o => o.UseInMemory(sites: 3, site: 0)).AddMusicLeaderElection("clock");
        using var host = builder.Build();
        await host.StartAsync();

        Assert.Same(clock, host.Services.GetRequiredService<MusicClientOptions>().TimeProvider);
        var election = host.Services.GetRequiredKeyedService<MusicLeaderElection>("clock");
        await using (var term = await election.WaitForLeadershipAsync().WaitAsync(Patience))
        {
            Assert.Equal(clock.GetUtcNow(), term.Since);
        }

        // A five-minute try-lock ends when the container's clock says five minutes passed, not before.
        var locks = host.Services.GetRequiredService<IDistributedLockProvider>();
        await using var held = await locks.AcquireLockAsync("clock").AsTask().WaitAsync(Patience);
        var waiting = locks.TryAcquireLockAsync("clock", TimeSpan.FromMinutes(5)).AsTask();
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await waiting.WaitAsync(Patience));
        await host.StopAsync();
    }
}
