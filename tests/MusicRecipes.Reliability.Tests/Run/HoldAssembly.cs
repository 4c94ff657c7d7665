using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>
/// One hold of a worker, put together from the events it reported (acquired, held, put sending, the get and put
/// operations, lost, released) into the <see cref="HoldRecord"/> of <see cref="HistoryChecker"/> and the
/// <see cref="HoldTimeline"/> of <see cref="LossTimingChecker"/>. A hold whose process was killed halfway is
/// completed from what it reported before it died.
/// </summary>
internal sealed class HoldAssembly(string client, string key, long ordinal, long acquireInvokedAt, long acquireReturnedAt)
{
    private readonly List<long> _heldObservedAt = [];

    public string Client => client;

    public bool HasEnded => ReleaseReturnedAt is not null || HolderDiedAt is not null;

    public long? ValueRead { get; set; }

    /// <summary>The value of a put about to be sent (it may have landed even if its outcome never came).</summary>
    public long? ValueSending { get; set; }

    public OperationOutcome? PutOutcome { get; set; }

    public long? LostAt { get; private set; }

    public string? LossReason { get; private set; }

    public long? ReleaseInvokedAt { get; set; }

    public long? ReleaseReturnedAt { get; set; }

    public bool Clean { get; set; }

    public long? HolderDiedAt { get; set; }

    public void HeldObserved(long at) => _heldObservedAt.Add(at);

    /// <summary>The first loss report wins (a later one only repeats it).</summary>
    public void Lost(long at, string? reason)
    {
        if (LostAt is null || at < LostAt)
        {
            LostAt = at;
            LossReason = reason;
        }
    }

    public HoldRecord ToHoldRecord() => new()
    {
        Client = client,
        Key = key,
        Ordinal = ordinal,
        AcquiredAt = acquireReturnedAt,
        ReleaseStartedAt = ReleaseInvokedAt,
        CompletedCleanly = Clean && HolderDiedAt is null,
        ValueRead = ValueRead,
        ValueWritten = ValueSending,
        Outcome = PutOutcome switch
        {
            OperationOutcome.Acknowledged => HoldOutcome.Acknowledged,
            OperationOutcome.Indeterminate => HoldOutcome.Indeterminate,
            OperationOutcome.Failed => HoldOutcome.Failed,

            // No outcome: a put sent by a process that died before it heard back may have landed.
            _ => ValueSending is null ? HoldOutcome.Failed : HoldOutcome.Indeterminate,
        },
    };

    public HoldTimeline ToTimeline() => new()
    {
        Client = client,
        Key = key,
        Ordinal = ordinal,
        AcquireInvokedAt = acquireInvokedAt,
        AcquireReturnedAt = acquireReturnedAt,
        HeldObservedAt = _heldObservedAt.ToArray(),
        LostAt = LostAt,
        LossReason = LossReason,
        ReleaseInvokedAt = ReleaseInvokedAt,
        ReleaseReturnedAt = ReleaseReturnedAt,
        HolderDiedAt = HolderDiedAt,
    };
}
