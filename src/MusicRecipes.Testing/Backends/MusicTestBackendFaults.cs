namespace MusicRecipes.Testing.Backends;

/// <summary>
/// The faults an <see cref="IMusicTestBackend"/> can produce. A suite that needs a fault checks the backend's
/// <see cref="IMusicTestBackend.Faults"/> before it starts, and a backend asked for a fault it lacks throws
/// <see cref="MusicTestBackendNotSupportedException"/>: a test never passes because a fault silently did nothing.
/// </summary>
/// <example>
/// <code>
/// public MusicTestBackendFaults Faults =&gt; MusicTestBackendFaults.ExpireSession | MusicTestBackendFaults.CutOff;
///
/// // a suite whose every test stalls a site:
/// MusicTestBackendNotSupportedException.ThrowIfLacking(backend, MusicTestBackendFaults.Stall);
/// </code>
/// </example>
[Flags]
public enum MusicTestBackendFaults
{
    /// <summary>No fault at all.</summary>
    None = 0,

    /// <summary><see cref="IMusicTestBackend.ExpireSessionAsync(IMusicClient)"/> and <see cref="IMusicTestBackend.ExpireSessionAsync(Locking.ILockStore)"/>: a lock session ends from outside, as the lock service ends one it stopped hearing from.</summary>
    ExpireSession = 1,

    /// <summary><see cref="IMusicTestBackend.CrashAsync"/>: a client's process dies without closing anything.</summary>
    Crash = 2,

    /// <summary><see cref="IMusicTestBackend.CutOffAsync"/> and <see cref="IMusicTestBackend.HealAsync"/>: a site loses the other sites and the lock service; its connections fail.</summary>
    CutOff = 4,

    /// <summary><see cref="IMusicTestBackend.StallAsync"/> and <see cref="IMusicTestBackend.EndStallAsync"/>: a silent partition, where connections stay open and nothing gets through.</summary>
    Stall = 8,

    /// <summary><see cref="IMusicTestBackend.ArmPartialWriteAsync"/> and <see cref="IMusicTestBackend.RecoverFromPartialWriteAsync"/>: a critical write reaches a minority of replicas and times out.</summary>
    PartialWrite = 16,
}
