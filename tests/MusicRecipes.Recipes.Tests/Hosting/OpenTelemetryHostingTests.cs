using System.Collections.Concurrent;
using System.Diagnostics;
using Medallion.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MusicRecipes.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>The documented hosted form, <c>AddOpenTelemetry().WithTracing(t => t.AddMusicRecipesInstrumentation())</c>, traces MUSIC.</summary>
public sealed class OpenTelemetryHostingTests
{
    [Fact]
    public async Task AddMusicRecipesInstrumentation_in_the_hosted_OpenTelemetry_traces_recipe_steps_and_MUSIC_operations()
    {
        var spans = new ConcurrentQueue<string>();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMusic(o => o.UseInMemory(sites: 3, site: 0));
        builder.Services.AddOpenTelemetry().WithTracing(t => t.AddMusicRecipesInstrumentation().AddProcessor(new Collect(spans)));
        using var host = builder.Build();
        await host.StartAsync();

        var locks = host.Services.GetRequiredService<IDistributedLockProvider>();
        await using (await locks.AcquireLockAsync("traced", TimeSpan.FromSeconds(20)))
        {
        }

        await host.StopAsync();
        Assert.Contains("music.recipe.mutex.acquire", spans);
        Assert.Contains("music.acquire_lock", spans);
        Assert.Contains("music.release_lock", spans);
    }

    private sealed class Collect(ConcurrentQueue<string> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data.OperationName);
    }
}
