using System.Net;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>The clients' side of the cuts: a site cut and a minority-site partition overlap, and each heals only itself.</summary>
public sealed class SiteLinksTests
{
    [Fact]
    public async Task A_partition_cuts_the_minority_from_the_others_servers_and_them_from_its_server_and_a_site_cut_heals_only_itself()
    {
        // Nothing listens behind the proxies: only their cut state is looked at.
        await using var links = new SiteLinks(3, 3, server => new IPEndPoint(IPAddress.Loopback, 1 + server));
        for (var site = 0; site < 3; site++)
        {
            links.Open(site);
        }

        links.Partition(1);
        Assert.Equal(
            [
                [false, true, false],
                [true, false, true],
                [false, true, false],
            ],
            links.CutMatrix());

        links.Cut(0);
        links.Heal(0);
        Assert.Equal([false, true, false], links.CutMatrix()[0]);

        links.Cut(2);
        links.EndPartition();
        Assert.Equal(
            [
                [false, false, false],
                [false, false, false],
                [true, true, true],
            ],
            links.CutMatrix());

        // A client that joins during a partition joins on its side of it.
        links.Partition(0);
        links.Open(0);
        Assert.Equal([false, true, true], links.CutMatrix()[0].Skip(3));
    }
}
