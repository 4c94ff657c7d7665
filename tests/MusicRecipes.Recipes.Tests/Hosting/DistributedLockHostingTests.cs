using Medallion.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MusicRecipes.Hosting;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>AddMusic registers DistributedLock's provider; the README's "Using it" example runs as written.</summary>
public sealed class DistributedLockHostingTests
{
    [Fact]
    public async Task The_README_example_runs_and_AddMusic_registers_the_provider()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMusic(o => o.UseInMemory(sites: 3, site: 0));
        using var host = builder.Build();
        await host.StartAsync();

        var locks = host.Services.GetRequiredService<IDistributedLockProvider>();
        Assert.Same(host.Services.GetRequiredService<MusicDistributedSynchronizationProvider>(), locks);
        var shipped = new List<long>();
        for (var round = 0; round < 2; round++)
        {
            await using (var handle = (MusicDistributedLockHandle)await locks.AcquireLockAsync("stock:apples", TimeSpan.FromSeconds(5)))
            {
                var left = await handle.GetJsonAsync<int>();
                await handle.PutJsonAsync(left - 1);
                shipped.Add(handle.FencingToken.Value);
            }
        }

        await using var last = (MusicDistributedLockHandle)await locks.AcquireLockAsync("stock:apples", TimeSpan.FromSeconds(5));
        Assert.Equal(-2, await last.GetJsonAsync<int>());
        Assert.True(shipped[1] > shipped[0]);
        await host.StopAsync();
    }
}
