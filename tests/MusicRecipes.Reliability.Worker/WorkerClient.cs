using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Worker;

/// <summary>One MUSIC client of the run: its name, its MUSIC client, its ZooKeeper lock store and a watch on its session.</summary>
internal sealed record WorkerClient(string Name, IMusicClient Music, ZooKeeperLockStore Locks, SessionWatch Session);
