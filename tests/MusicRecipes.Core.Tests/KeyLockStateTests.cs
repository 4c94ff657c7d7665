using MusicRecipes.Locking;

namespace MusicRecipes.Core.Tests;

public sealed class KeyLockStateTests
{
    [Fact]
    public void A_key_never_locked_needs_no_sync()
    {
        Assert.False(KeyLockState.Empty.NeedsSyncBefore(1));
    }

    [Fact]
    public void A_clean_release_by_the_last_holder_skips_the_sync()
    {
        Assert.False(new KeyLockState(4, DateTimeOffset.UnixEpoch, 4).NeedsSyncBefore(5));
    }

    [Fact]
    public void Unsynced_is_the_default_after_any_holder_that_did_not_record_a_clean_release()
    {
        Assert.True(new KeyLockState(4, DateTimeOffset.UnixEpoch, null).NeedsSyncBefore(5));
        Assert.True(new KeyLockState(4, DateTimeOffset.UnixEpoch, 3).NeedsSyncBefore(9));
    }

    [Fact]
    public void A_ticket_that_already_recorded_its_acquisition_does_not_sync_again()
    {
        var state = new KeyLockState(5, DateTimeOffset.UnixEpoch, 3);
        Assert.True(state.IsAcquiredBy(5));
        Assert.False(state.NeedsSyncBefore(5));
    }
}
