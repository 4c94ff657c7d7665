using Microsoft.Extensions.DependencyInjection;

namespace MusicRecipes.Hosting;

internal sealed class MusicBuilder(IServiceCollection services) : IMusicBuilder
{
    public IServiceCollection Services { get; } = services;
}
