namespace MusicRecipes.Testing.Containers;

/// <summary>
/// Real partitions between servers: iptables rules inside each container drop every packet to and from the servers it
/// is cut from (DROP, not REJECT — across a real partition nothing answers, so each end learns only by timing out).
/// Clients are not touched: the host reaches every container from the network's gateway, which no rule names.
/// The wanted cuts are kept here and written to a server whenever it can take them: a paused container cannot run a
/// command (its rules are written when it resumes), and a restarted one comes back with a fresh, empty firewall.
/// </summary>
internal sealed class ServerFirewall
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<(ContainerServer A, ContainerServer B)> _cuts = [];

    /// <summary>Whether a cut between <paramref name="a"/> and <paramref name="b"/> is in force.</summary>
    public bool IsCut(ContainerServer a, ContainerServer b)
    {
        _gate.Wait();
        try
        {
            return _cuts.Contains(Pair(a, b));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Cuts every link between the two groups (a server in both is left alone).</summary>
    public async Task CutAsync(IEnumerable<ContainerServer> side, IEnumerable<ContainerServer> otherSide, CancellationToken cancellationToken)
    {
        var others = otherSide.ToList();
        var pairs = side.SelectMany(a => others.Where(b => b != a).Select(b => Pair(a, b))).ToList();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var pair in pairs)
            {
                _cuts.Add(pair);
            }

            foreach (var server in pairs.SelectMany(p => new[] { p.A, p.B }).Distinct())
            {
                await ApplyLockedAsync(server, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends every cut.</summary>
    public async Task HealAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var touched = _cuts.SelectMany(p => new[] { p.A, p.B }).Distinct().ToList();
            _cuts.Clear();
            foreach (var server in touched)
            {
                await ApplyLockedAsync(server, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes <paramref name="server"/>'s rules again (after a restart or a resume).</summary>
    public async Task ApplyAsync(ContainerServer server, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyLockedAsync(server, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ApplyLockedAsync(ContainerServer server, CancellationToken cancellationToken)
    {
        if (!server.IsRunning || server.IsPaused)
        {
            return;
        }

        // One iptables-restore: the whole filter table at once, so no packet sees half the rules.
        var peers = _cuts.Where(p => p.A == server || p.B == server).Select(p => p.A == server ? p.B : p.A).ToList();
        var rules = new List<string> { "*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]" };
        foreach (var peer in peers)
        {
            rules.Add($"-A INPUT -s {peer.Address.NetworkAddress}/32 -j DROP");
            rules.Add($"-A OUTPUT -d {peer.Address.NetworkAddress}/32 -j DROP");
        }

        rules.Add("COMMIT");
        await server.ExecAsync(["sh", "-c", $"printf '%s\\n' {string.Join(' ', rules.Select(r => $"'{r}'"))} | iptables-restore"], cancellationToken).ConfigureAwait(false);
    }

    private static (ContainerServer A, ContainerServer B) Pair(ContainerServer a, ContainerServer b) =>
        string.CompareOrdinal(a.Address.NetworkAddress, b.Address.NetworkAddress) < 0 ? (a, b) : (b, a);
}
