using Microsoft.Extensions.Logging;
using MusicRecipes.Reliability.Worker;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>One MUSIC client of the run: located at a site, with its own ZooKeeper session (reached through the site's proxies), logging to the run's <see cref="HistoryLog"/>.</summary>
internal sealed record SiteClient(string Name, int Site, IMusicClient Music, ZooKeeperLockStore Locks, SessionWatch Session, ILoggerFactory Logs);
