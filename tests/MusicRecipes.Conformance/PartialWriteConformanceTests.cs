using System.Text;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Conformance;

/// <summary>
/// Sync on acquire (rule 3 of docs/design.md), for backends that can make a write reach only a minority: after a holder's
/// write reaches a minority and the holder is forcibly released, the next holder reads one stable value, and never
/// sees an older holder's value after its own write. A partial write may need the backend to hold replicas back (frozen
/// nodes, say): the suite recovers after every test, so a test that fails between arming and recovering leaves nothing
/// behind for the next.
/// </summary>
public abstract class PartialWriteConformanceTests : ConformanceTestBase
{
    /// <inheritdoc />
    protected override MusicTestBackendFaults RequiredFaults => MusicTestBackendFaults.PartialWrite;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        // Before the clients go: closing them while the backend still holds replicas back could hang. (A backend
        // without the fault failed the test at its start; asking it to recover would only hide that failure.)
        if (Backend.Faults.HasFlag(MusicTestBackendFaults.PartialWrite))
        {
            await Backend.RecoverFromPartialWriteAsync();
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task After_a_partial_write_and_a_forced_release_the_next_holder_reads_one_stable_value()
    {
        var key = ConformanceKeys.New("partial");
        var old = await ClientAsync(0);
        var next = await ClientAsync(1);

        var held = await HoldAsync(old, key);
        await old.CriticalPutAsync(held, key, Bytes("complete"));
        await Backend.ArmPartialWriteAsync(old);
        await Assert.ThrowsAsync<MusicTimeoutException>(() => old.CriticalPutAsync(held, key, Bytes("partial")));
        await Backend.RecoverFromPartialWriteAsync();
        Assert.True(await next.ForceReleaseAsync(key));

        var current = await HoldAsync(next, key);
        var first = Text(await next.CriticalGetAsync(current, key));
        Assert.Contains(first, new[] { "complete", "partial" });
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(first, Text(await next.CriticalGetAsync(current, key)));
        }

        await next.CriticalPutAsync(current, key, Bytes("mine"));
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal("mine", Text(await next.CriticalGetAsync(current, key)));
        }

        await next.ReleaseLockAsync(current);
    }

    [Fact]
    public async Task A_failed_put_makes_even_a_normal_release_unclean()
    {
        var key = ConformanceKeys.New("failed-put");
        var old = await ClientAsync(0);
        var next = await ClientAsync(2 % Backend.SiteCount);

        var held = await HoldAsync(old, key);
        await old.CriticalPutAsync(held, key, Bytes("complete"));
        await Backend.ArmPartialWriteAsync(old);
        await Assert.ThrowsAsync<MusicTimeoutException>(() => old.CriticalPutAsync(held, key, Bytes("partial")));
        await Backend.RecoverFromPartialWriteAsync();
        await old.ReleaseLockAsync(held); // the holder is alive and releases, but its last put may be anywhere

        var current = await HoldAsync(next, key);
        var first = Text(await next.CriticalGetAsync(current, key));
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(first, Text(await next.CriticalGetAsync(current, key)));
        }

        await next.ReleaseLockAsync(current);
    }

    [Fact]
    public async Task A_partial_write_to_a_key_that_had_no_value_never_surfaces_later()
    {
        var key = ConformanceKeys.New("partial-new");
        var old = await ClientAsync(0);
        var next = await ClientAsync(1);

        var held = await HoldAsync(old, key);
        await Backend.ArmPartialWriteAsync(old);
        await Assert.ThrowsAsync<MusicTimeoutException>(() => old.CriticalPutAsync(held, key, Bytes("ghost")));
        await Backend.RecoverFromPartialWriteAsync();
        Assert.True(await next.ForceReleaseAsync(key));

        var current = await HoldAsync(next, key);
        var first = Text(await next.CriticalGetAsync(current, key));
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(first, Text(await next.CriticalGetAsync(current, key)));
        }

        await next.ReleaseLockAsync(current);
    }
}
