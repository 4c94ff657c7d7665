using System.Text.Json;
using MusicRecipes.Locking;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// The data of a key node: <see cref="KeyLockState"/> as JSON ({"lastAcquired":..,"lastAcquiredAtMs":..,"lastCleanRelease":..,"lastWrite":..}).
/// Empty data is the state of a key nobody acquired yet.
/// </summary>
internal static class KeyStateRecord
{
    public static byte[] Encode(KeyLockState state) => JsonSerializer.SerializeToUtf8Bytes(
        new Wire(state.LastAcquired, state.LastAcquiredAt?.ToUnixTimeMilliseconds(), state.LastCleanRelease, state.LastWrite));

    public static KeyLockState Decode(byte[] data)
    {
        if (data.Length == 0)
        {
            return KeyLockState.Empty;
        }

        var wire = JsonSerializer.Deserialize<Wire>(data) ?? new Wire(null, null, null, null);
        return new KeyLockState(
            wire.LastAcquired,
            wire.LastAcquiredAtMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            wire.LastCleanRelease,
            wire.LastWrite);
    }

    private sealed record Wire(long? LastAcquired, long? LastAcquiredAtMs, long? LastCleanRelease, long? LastWrite);
}
