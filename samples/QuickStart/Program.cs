// QuickStart: the seven MUSIC operations on three simulated sites, in a few readable lines of output.
using MusicRecipes;
using MusicRecipes.InMemory;

await using var cluster = new InMemoryMusicCluster(sites: 3, new InMemoryClusterOptions { InterSiteLatency = TimeSpan.FromMilliseconds(20) });
await using var paris = cluster.CreateClient(site: 0);
await using var tokyo = cluster.CreateClient(site: 1);
await using var lima = cluster.CreateClient(site: 2);

Console.WriteLine("MUSIC on 3 simulated sites (20 ms between sites)");

// AP: an eventual put is answered by the local replica and reaches the other sites in the background.
await paris.PutStringAsync("motd", "bonjour");
Console.WriteLine($"  put/get    paris wrote 'motd' eventually; paris reads '{await paris.GetStringAsync("motd")}', lima reads '{await lima.GetStringAsync("motd") ?? "(not yet)"}'");
await cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(5));
Console.WriteLine($"             a moment later lima reads '{await lima.GetStringAsync("motd")}'");

// CP: a critical section over a key. Tickets are served FIFO per key.
var parisTicket = await paris.CreateLockRefAsync(["counter"]);
var tokyoTicket = await tokyo.CreateLockRefAsync(["counter"]);
Console.WriteLine($"  lock       paris ticket {parisTicket.FencingToken}, tokyo ticket {tokyoTicket.FencingToken}");
Console.WriteLine($"             acquire: paris {await paris.AcquireLockAsync(parisTicket)}, tokyo {await tokyo.AcquireLockAsync(tokyoTicket)}");

var before = cluster.InterSiteRoundTrips;
await paris.CriticalPutStringAsync(parisTicket, "counter", "1");
Console.WriteLine($"  critical   paris wrote counter=1 at QUORUM ({cluster.InterSiteRoundTrips - before} inter-site round trip)");
await paris.ReleaseLockAsync(parisTicket);

await tokyo.WaitForLockAsync(tokyoTicket, TimeSpan.FromSeconds(5));
Console.WriteLine($"             tokyo got the lock and reads counter={await tokyo.CriticalGetStringAsync(tokyoTicket, "counter")}");

// A holder that dies: its write reaches one replica only, then its session expires.
await tokyo.CriticalPutStringAsync(tokyoTicket, "counter", "2");
cluster.FailNextCriticalWrite(site: 1, replicas: 1);
try
{
    await tokyo.CriticalPutStringAsync(tokyoTicket, "counter", "3");
}
catch (MusicTimeoutException)
{
    Console.WriteLine("  failure    tokyo's write of counter=3 reached one replica and timed out; then tokyo's session expires");
}

var limaTicket = await lima.CreateLockRefAsync(["counter"]);
cluster.ExpireSession(tokyo);
Console.WriteLine($"             tokyo's LostToken fired: {await WaitForAsync(tokyoTicket.LostToken)}");

// Sync on acquire: lima reads the key at QUORUM and writes it back with its own fencing timestamp,
// so every later read agrees, whichever replicas it meets.
await lima.WaitForLockAsync(limaTicket, TimeSpan.FromSeconds(5));
var reads = new List<string?>();
for (var i = 0; i < 5; i++)
{
    reads.Add(await lima.CriticalGetStringAsync(limaTicket, "counter"));
}

Console.WriteLine($"  sync       lima acquired {limaTicket.FencingToken}; five critical reads: {string.Join(", ", reads)} (one stable value)");
await lima.ReleaseLockAsync(limaTicket);

// Partition: a cut-off site keeps eventual operations but cannot lock or reach a quorum.
cluster.CutOff(2);
await lima.PutStringAsync("local-note", "still writable");
try
{
    await lima.CreateLockRefAsync(["counter"]);
}
catch (MusicUnavailableException)
{
    Console.WriteLine("  partition  lima (cut off) still puts/gets locally, but cannot lock: MusicUnavailableException");
}

cluster.Heal(2);
Console.WriteLine("done.");

static async Task<bool> WaitForAsync(CancellationToken token)
{
    var deadline = DateTime.UtcNow.AddSeconds(5);
    while (!token.IsCancellationRequested && DateTime.UtcNow < deadline)
    {
        await Task.Delay(10);
    }

    return token.IsCancellationRequested;
}
