namespace MusicRecipes.Storage;

/// <summary>How many replicas a data-store operation touches.</summary>
public enum DataConsistency
{
    /// <summary>One replica, at the caller's site (Cassandra LOCAL_ONE). Used by eventual get/put.</summary>
    One,

    /// <summary>A majority of all replicas across every site (Cassandra QUORUM). Used by critical get/put and sync.</summary>
    Quorum,
}
