using MusicRecipes.Testing;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MusicRecipes.Hosting;
using MusicRecipes.InMemory;
using MusicRecipes.Recipes.Queue;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>AddMusicWorkQueueWorker&lt;THandler&gt;: a typed handler in a DI scope of its own per item; put-back items come round again.</summary>
public sealed class TypedWorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly InMemoryMusicCluster _cluster = new(3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromSeconds(2) });

    [Fact]
    public async Task Every_item_gets_a_scope_of_its_own_and_a_put_back_item_is_handled_again()
    {
        var log = new HandlerLog();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(log);
        builder.Services.AddScoped<PerItemResource>();
        builder.Services.AddMusic(o => o.UseInMemory(_cluster, site: 1)).AddMusicWorkQueueWorker<CountingHandler>("typed");
        using var host = builder.Build();
        await host.StartAsync();

        var producer = new MusicWorkQueue(_cluster.CreateClient(0), "typed");
        var first = await producer.SubmitStringAsync("later"); // put back once, then completed
        var second = await producer.SubmitStringAsync("now");
        await Eventually.TrueAsync(async () => (await producer.PeekStatusAsync(first))?.State == WorkItemState.Done && (await producer.PeekStatusAsync(second))?.State == WorkItemState.Done, Patience, "both items done", TimeSpan.FromMilliseconds(20));

        Assert.Equal(2, log.Handled.Count(h => h.Payload == "later")); // put back, then handled again
        Assert.Equal(1, log.Handled.Count(h => h.Payload == "now"));
        Assert.Equal(log.Handled.Count, log.Handled.Select(h => h.Resource).Distinct().Count()); // a scope per item
        await Eventually.TrueAsync(() => log.Disposed == log.Handled.Count, Patience, "every handled item's scope disposed");
        Assert.Null(await producer.PeekStatusAsync(new WorkItemId("nobody", 1)));
        await host.StopAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private sealed class HandlerLog
    {
        private int _order;
        private int _disposed;

        public ConcurrentBag<(int Order, string Payload, PerItemResource Resource)> Handled { get; } = [];

        public int Disposed => Volatile.Read(ref _disposed);

        public bool PutBackOnce { get; set; } = true;

        public int NextOrder() => Interlocked.Increment(ref _order);

        public void OnDisposed() => Interlocked.Increment(ref _disposed);
    }

    private sealed class PerItemResource(HandlerLog log) : IDisposable
    {
        public void Dispose() => log.OnDisposed();
    }

    private sealed class CountingHandler(HandlerLog log, PerItemResource resource) : IWorkItemHandler
    {
        public Task<WorkItemOutcome> HandleAsync(WorkItemContext context, CancellationToken cancellationToken)
        {
            var payload = context.Item.PayloadAsString();
            log.Handled.Add((log.NextOrder(), payload, resource));
            Assert.True(context.IsHeld);
            Assert.Equal("typed", context.Queue);
            if (payload == "later" && log.PutBackOnce)
            {
                log.PutBackOnce = false;
                return Task.FromResult(WorkItemOutcome.PutBack);
            }

            return Task.FromResult(WorkItemOutcome.Completed);
        }
    }
}
