using System.Collections.Concurrent;
using System.Diagnostics;
using MusicRecipes.Recipes.Leader;

namespace MusicRecipes.Recipes.Tests.AbstractTestCases;

/// <summary>
/// Records leadership terms for the "never two valid leaders" check. A term's start is taken when its work begins
/// (after the election returned); while it works it takes a timestamp and THEN checks <see cref="LeadershipTerm.IsValid"/>,
/// recording the timestamp only when the term was still valid. The lock service removes a ticket before the next
/// one can acquire, so a correct election gives: every valid sample of a term precedes the start of the next term.
/// </summary>
public sealed class LeadershipLog
{
    private readonly ConcurrentDictionary<long, TermRecord> _terms = new();

    public IReadOnlyList<TermRecord> Terms => _terms.Values.OrderBy(t => t.Start).ToArray();

    public TermRecord? Latest => _terms.Values.OrderBy(t => t.Start).LastOrDefault();

    public TermRecord Begin(string participant, LeadershipTerm term)
    {
        var record = new TermRecord(participant, term.FencingToken.Value, Stopwatch.GetTimestamp());
        Assert.True(_terms.TryAdd(record.Fence, record), $"fencing token {record.Fence} handed out twice");
        return record;
    }

    /// <summary>Checks the history; returns the violations found.</summary>
    public IReadOnlyList<string> Violations()
    {
        var violations = new List<string>();
        var terms = Terms;
        for (var i = 1; i < terms.Count; i++)
        {
            var earlier = terms[i - 1];
            var later = terms[i];
            if (later.Fence <= earlier.Fence)
            {
                violations.Add($"fencing not increasing: term of {later.Participant} ({later.Fence}) began after term of {earlier.Participant} ({earlier.Fence})");
            }

            foreach (var earlierTerm in terms.Take(i))
            {
                if (earlierTerm.LastValidSample is { } sample && sample >= later.Start)
                {
                    violations.Add($"two valid leaders: {earlierTerm.Participant} (fence {earlierTerm.Fence}) was valid at {sample}, after {later.Participant} (fence {later.Fence}) began at {later.Start}");
                }
            }
        }

        return violations;
    }
}

/// <summary>One recorded term.</summary>
public sealed class TermRecord(string participant, long fence, long start)
{
    private long _lastValidSample = -1;
    private int _samples;

    public string Participant { get; } = participant;

    public long Fence { get; } = fence;

    public long Start { get; } = start;

    public long? LastValidSample => Volatile.Read(ref _lastValidSample) < 0 ? null : Volatile.Read(ref _lastValidSample);

    public int Samples => Volatile.Read(ref _samples);

    public volatile bool Ended;

    /// <summary>Takes a timestamp, then checks validity; records the timestamp only if the term was still valid.</summary>
    public bool Sample(LeadershipTerm term)
    {
        var now = Stopwatch.GetTimestamp();
        if (!term.IsValid)
        {
            return false;
        }

        Volatile.Write(ref _lastValidSample, now);
        Interlocked.Increment(ref _samples);
        return true;
    }
}
