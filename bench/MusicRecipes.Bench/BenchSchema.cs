namespace MusicRecipes.Bench;

/// <summary>
/// Every table the bench uses, created up front, one statement at a time on site 0's session: Cassandra does not
/// serialise schema changes, and concurrent ones can leave the nodes disagreeing.
/// </summary>
internal static class BenchSchema
{
    public static async Task CreateAsync(BenchNetwork network, CancellationToken cancellationToken)
    {
        await MusicStores.CreateSchemaAsync(network, cancellationToken).ConfigureAwait(false);
        await LwtOnlyVariant.CreateSchemaAsync(network, cancellationToken).ConfigureAwait(false);
        await CassandraLockClients.CreateSchemaAsync(network, cancellationToken).ConfigureAwait(false);
    }
}
