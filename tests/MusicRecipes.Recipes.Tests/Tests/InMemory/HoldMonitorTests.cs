using MusicRecipes.Recipes.Leader;
using MusicRecipes.Recipes.Tests.Infrastructure;
using MusicRecipes.Recipes.Tests.Infrastructure.InMemory;

namespace MusicRecipes.Recipes.Tests.Tests.InMemory;

/// <summary>A leader's term reacts to session state events; it does not poll the state (which may never show a blip).</summary>
public sealed class HoldMonitorTests : IAsyncLifetime
{
    private readonly InMemoryRecipeBackend _backend = new();
    private IMusicClient? _inner;

    [Fact]
    public async Task A_suspension_that_was_over_before_anyone_looked_still_ends_the_term()
    {
        _inner = await _backend.CreateClientAsync(0);
        var client = new FaultyClient(_inner);
        var election = new MusicLeaderElection(client, "blip", new MusicLeaderElectionOptions { ParticipantId = "p" });
        var lost = new TaskCompletionSource<LeadershipChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        election.LeadershipLost += (_, e) => lost.TrySetResult(e);
        await using var term = await election.WaitForLeadershipAsync();
        Assert.True(term.IsValid);

        // The session state property says Connected throughout; only the events tell of the suspension.
        client.InjectSessionStateChange(LockSessionState.Connected, LockSessionState.Suspended);
        client.InjectSessionStateChange(LockSessionState.Suspended, LockSessionState.Reconnected);
        Assert.Equal(LockSessionState.Connected, client.SessionState);

        var ended = await lost.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(ended.Lost);
        Assert.True(term.LostToken.IsCancellationRequested);
        Assert.False(term.IsValid);
        Assert.False(election.IsLeader);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_inner is not null)
        {
            await _inner.DisposeAsync();
        }

        await _backend.DisposeAsync();
    }
}
