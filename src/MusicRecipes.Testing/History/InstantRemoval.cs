namespace MusicRecipes.Testing.History;

/// <summary>
/// A client's holds removed at once by a third party, which no client-side lease can warn of: its session closed by
/// another connection (Curator's KillSession) or its ticket forcibly released. <see cref="LossTimingChecker"/> does
/// not hold a holder responsible for learning late of such a removal. Times are Stopwatch timestamps.
/// </summary>
/// <param name="Client">Whose holds were removed.</param>
/// <param name="StartedAt">When the removal was begun.</param>
/// <param name="EndedAt">When it was known done.</param>
/// <param name="What">What removed them, for reports (e.g. "session expiry").</param>
public sealed record InstantRemoval(string Client, long StartedAt, long EndedAt, string What);
