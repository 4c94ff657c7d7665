namespace MusicRecipes.Cql;

/// <summary>Consistency levels with their wire codes (native protocol §3 [consistency]).</summary>
public enum CqlConsistency : ushort
{
    /// <summary>A write is accepted once any node (even a hint) has it.</summary>
    Any = 0x0000,

    /// <summary>One replica.</summary>
    One = 0x0001,

    /// <summary>Two replicas.</summary>
    Two = 0x0002,

    /// <summary>Three replicas.</summary>
    Three = 0x0003,

    /// <summary>A majority of all replicas, across every data centre.</summary>
    Quorum = 0x0004,

    /// <summary>Every replica.</summary>
    All = 0x0005,

    /// <summary>A majority of the replicas in the coordinator's data centre.</summary>
    LocalQuorum = 0x0006,

    /// <summary>A majority in every data centre.</summary>
    EachQuorum = 0x0007,

    /// <summary>Paxos across all data centres (serial phase of lightweight transactions; serial reads).</summary>
    Serial = 0x0008,

    /// <summary>Paxos within the coordinator's data centre.</summary>
    LocalSerial = 0x0009,

    /// <summary>One replica in the coordinator's data centre.</summary>
    LocalOne = 0x000A,
}
