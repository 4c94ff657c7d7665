namespace MusicRecipes.Testing.History;

/// <summary>The operation kinds the checkers in this folder understand; recorders may add kinds of their own.</summary>
public static class OperationKinds
{
    /// <summary>A critical read of a counter key (its <see cref="OperationRecord.Value"/> is the value read).</summary>
    public const string CriticalGet = "critical-get";

    /// <summary>A critical write of a counter key (its <see cref="OperationRecord.Value"/> is the value written).</summary>
    public const string CriticalPut = "critical-put";
}
