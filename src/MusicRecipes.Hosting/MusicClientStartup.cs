using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MusicRecipes.Hosting;

/// <summary>
/// Connects the host's MUSIC client when the host starts, asynchronously (registered by <c>AddMusic</c> before any
/// recipe's hosted service): an unreachable backend fails the start with a <see cref="MusicUnavailableException"/>
/// naming its servers, and nothing blocks a thread while the container builds services.
/// </summary>
internal sealed class MusicClientStartup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<IMusicClient>() is ConnectingMusicClient client)
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
