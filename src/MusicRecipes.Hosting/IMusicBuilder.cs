using Microsoft.Extensions.DependencyInjection;

namespace MusicRecipes.Hosting;

/// <summary>Returned by <see cref="MusicServiceCollectionExtensions.AddMusic"/>; the recipes' <c>Add…</c> methods hang off it.</summary>
/// <example>
/// <code>
/// services.AddMusic(o => o.UseInMemory())
///     .AddMusicMutex("accounts", "account:1", "account:2")
///     .AddMusicLeaderService&lt;ReportScheduler&gt;("reports");
/// </code>
/// </example>
public interface IMusicBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}
