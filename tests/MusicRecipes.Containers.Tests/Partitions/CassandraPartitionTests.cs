using MusicRecipes.Containers.Tests.Infrastructure;
using MusicRecipes.Cql;
using MusicRecipes.Testing;

namespace MusicRecipes.Containers.Tests.Partitions;

/// <summary>
/// A real partition between Cassandra nodes (gossip and storage traffic dropped inside the containers), which one
/// machine's processes cannot have: the node cut from the other two can coordinate no QUORUM write — first they time
/// out, then, once gossip has convicted the others, it refuses them as unavailable — while the other two go on.
/// </summary>
[Collection(ContainersCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraPartitionTests(ContainerServersFixture fixture)
{
    [Fact]
    public async Task A_node_cut_from_the_other_two_cannot_coordinate_quorum_while_they_can_and_after_the_heal_it_can_again()
    {
        var table = $"{ContainerServersFixture.Keyspace}.p{Guid.NewGuid():N}"[..(ContainerServersFixture.Keyspace.Length + 1 + 21)];
        await fixture.Session.ExecuteAsync($"CREATE TABLE {table} (k int PRIMARY KEY, v int)");
        Assert.True(await fixture.Session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(20)));
        await using var isolated = await fixture.SessionOnAsync(3);
        await using var majority = await fixture.SessionOnAsync(1);
        var insert = $"INSERT INTO {table} (k, v) VALUES (?, ?)";
        await isolated.ExecuteAsync(new CqlQuery(insert, 0, 0));

        CqlUnavailableException? unavailable = null;
        try
        {
            await fixture.Cassandra.IsolateAsync(3);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            for (var attempt = 1; unavailable is null; attempt++)
            {
                Assert.True(DateTime.UtcNow < deadline, "node 3 never reported the other two unavailable");
                try
                {
                    await isolated.ExecuteAsync(new CqlQuery(insert, attempt, attempt));
                    Assert.Fail("A QUORUM write succeeded through a node cut from both other replicas.");
                }
                catch (CqlUnavailableException e)
                {
                    unavailable = e;
                }
                catch (Exception e) when (e is CqlException or TimeoutException)
                {
                    // Before gossip convicts the others, the write times out waiting for their acknowledgements.
                    await Task.Delay(500);
                }
            }

            Assert.Equal(2, unavailable.Required);
            Assert.Equal(1, unavailable.Alive);
            await majority.ExecuteAsync(new CqlQuery(insert, -1, 42));
            var read = await majority.ExecuteAsync(new CqlQuery($"SELECT v FROM {table} WHERE k = ?", -1));
            Assert.Equal(42, read.Rows.Single().Get<int>("v"));
        }
        finally
        {
            await fixture.Cassandra.HealAsync();
        }

        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await isolated.ExecuteAsync(new CqlQuery(insert, -2, 7));
                    return true;
                }
                catch (Exception e) when (e is CqlException or TimeoutException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(90),
            "a QUORUM write through node 3 succeeds after the heal");
    }
}
