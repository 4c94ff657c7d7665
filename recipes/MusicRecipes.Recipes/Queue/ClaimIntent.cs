using System.Text.Json;

namespace MusicRecipes.Recipes.Queue;

/// <summary>
/// "I am about to lock this item": an eventual put a worker makes at its own site just before it tries an item's
/// lock. A lock attempt takes a few lock-service round trips before the item's state says "claimed", and until then
/// every other worker that found the item open would try its lock too and lose (an enqueue and a removal through the
/// leader, for nothing). The intent reaches the other workers of the site at once and those of other sites one
/// replication later, so most of them leave the item alone.
/// </summary>
/// <remarks>
/// Purely advisory, never needed for safety: the lock decides. An intent is trusted only for
/// <see cref="MusicWorkQueueOptions.ClaimIntentTrust"/> after it was written, by the writer's clock against the
/// reader's; clock skew can only cost a wasted attempt or a delay of at most that long (an intent that seems to be
/// from further in the future than that is ignored).
/// </remarks>
/// <param name="Worker">The worker about to try the lock.</param>
/// <param name="At">When it wrote the intent, in Unix milliseconds by its clock.</param>
internal sealed record ClaimIntent(string Worker, long At)
{
    public static byte[] Encode(string worker, TimeProvider time) =>
        JsonSerializer.SerializeToUtf8Bytes(new ClaimIntent(worker, time.GetUtcNow().ToUnixTimeMilliseconds()));

    /// <summary>Whether <paramref name="value"/> is another worker's intent, recent enough to leave the item to it.</summary>
    public static bool HoldsOff(byte[]? value, string worker, TimeProvider time, TimeSpan trust)
    {
        if (value is null || trust <= TimeSpan.Zero)
        {
            return false;
        }

        ClaimIntent? intent;
        try
        {
            intent = JsonSerializer.Deserialize<ClaimIntent>(value);
        }
        catch (JsonException)
        {
            return false; // not ours to judge; the lock decides
        }

        if (intent is null || string.Equals(intent.Worker, worker, StringComparison.Ordinal))
        {
            return false;
        }

        var age = time.GetUtcNow().ToUnixTimeMilliseconds() - intent.At;
        return Math.Abs(age) < trust.TotalMilliseconds;
    }
}
