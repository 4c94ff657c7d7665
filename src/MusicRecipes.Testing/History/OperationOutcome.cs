namespace MusicRecipes.Testing.History;

/// <summary>
/// What a client can honestly say about one operation it ran against a faulty system (Jepsen's ok / info / fail).
/// </summary>
public enum OperationOutcome
{
    /// <summary>It took effect, and the client knew it still had every guarantee it relied on (its lock, its session).</summary>
    Acknowledged,

    /// <summary>
    /// It may or may not have taken effect: a timeout, a lost connection after sending, or an answer that arrived
    /// after the client's lock-service session was suspended or lost (rule 6 of docs/design.md: loss is visible).
    /// </summary>
    Indeterminate,

    /// <summary>It certainly did not take effect (refused before anything was written, or nothing to do).</summary>
    Failed,
}
