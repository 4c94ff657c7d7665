using MusicRecipes.Storage;

namespace MusicRecipes.Bench;

/// <summary>
/// The data store of a MUSIC client in the WAN pass: eventual operations go to the local site (no injected delay),
/// quorum operations go through the WAN proxy, as a majority of a multi-site cluster would.
/// </summary>
internal sealed class SiteRoutedDataStore(IDataStore local, IDataStore quorum) : IDataStore
{
    public string Site => local.Site;

    public int MaxValueBytes => Math.Min(local.MaxValueBytes, quorum.MaxValueBytes);

    public Task<StoredValue?> ReadAsync(string key, DataConsistency consistency, CancellationToken cancellationToken) =>
        Pick(consistency).ReadAsync(key, consistency, cancellationToken);

    public Task WriteAsync(string key, byte[]? value, long timestamp, DataConsistency consistency, CancellationToken cancellationToken) =>
        Pick(consistency).WriteAsync(key, value, timestamp, consistency, cancellationToken);

    private IDataStore Pick(DataConsistency consistency) => consistency == DataConsistency.One ? local : quorum;
}
