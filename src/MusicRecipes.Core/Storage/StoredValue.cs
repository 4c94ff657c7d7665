namespace MusicRecipes.Storage;

/// <summary>A value read from the data store with the write timestamp that won.</summary>
/// <param name="Value">The bytes, or <c>null</c> when the newest write was a deletion (tombstone).</param>
/// <param name="Timestamp">The write timestamp (see <see cref="FencingTimestamp"/>).</param>
public sealed record StoredValue(byte[]? Value, long Timestamp);
