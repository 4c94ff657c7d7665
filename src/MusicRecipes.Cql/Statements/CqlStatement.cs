using System.Net;
using System.Text.RegularExpressions;

namespace MusicRecipes.Cql;

/// <summary>
/// What every request carries besides its query: consistency, paging, default timestamp, timeout, retry safety.
/// Unset properties fall back to <see cref="CqlSessionOptions"/>.
/// </summary>
public abstract partial class CqlStatement
{
    /// <summary>Consistency level; <see cref="CqlSessionOptions.DefaultConsistency"/> when null.</summary>
    public CqlConsistency? Consistency { get; init; }

    /// <summary>Serial consistency (SERIAL or LOCAL_SERIAL) for the Paxos phase of a lightweight transaction.</summary>
    public CqlConsistency? SerialConsistency { get; init; }

    /// <summary>
    /// Default write timestamp in microseconds (protocol flag 0x20). A <c>USING TIMESTAMP</c> in the query wins over
    /// it. When null the session generates a monotonic one if <see cref="CqlSessionOptions.ClientTimestamps"/> is set,
    /// otherwise the coordinator assigns one.
    /// </summary>
    public long? Timestamp { get; init; }

    /// <summary>Rows per page; <see cref="CqlSessionOptions.PageSize"/> when null.</summary>
    public int? PageSize { get; init; }

    /// <summary>Continue from this paging state (from <see cref="CqlRowSet.PagingState"/>).</summary>
    public byte[]? PagingState { get; init; }

    /// <summary>
    /// Whether running the statement twice has the same effect as once. Only idempotent statements are retried on
    /// another node after a client timeout or a broken connection; a lightweight transaction never is (its Paxos
    /// round may have committed), whatever this says.
    /// </summary>
    public bool IsIdempotent { get; init; }

    /// <summary>Per-request timeout; <see cref="CqlSessionOptions.RequestTimeout"/> when null.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Ask the server to trace the request; the result then carries <see cref="CqlRowSet.TracingId"/>.</summary>
    public bool EnableTracing { get; init; }

    /// <summary>Run only on this node (its native-protocol endpoint) instead of following the load-balancing plan.</summary>
    public IPEndPoint? Host { get; init; }

    /// <summary>Text for traces and logs.</summary>
    internal abstract string DescribeForTrace { get; }

    /// <summary>Whether the statement is (or contains) a lightweight transaction.</summary>
    internal abstract bool IsConditional { get; }

    /// <summary>Whether a retry on another node is allowed after the request may have reached a node.</summary>
    internal bool MayRetryAfterSend => IsIdempotent && !IsConditional;

    /// <summary>Recognises an LWT (… IF NOT EXISTS / IF EXISTS / IF cond) in DML text, to never retry it.</summary>
    internal static bool LooksConditional(string cql) => ConditionalPattern().IsMatch(cql);

    [GeneratedRegex(@"^\s*(INSERT|UPDATE|DELETE|BEGIN)\b.*\bIF\b", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ConditionalPattern();
}
