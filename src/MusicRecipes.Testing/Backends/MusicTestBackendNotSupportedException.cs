namespace MusicRecipes.Testing.Backends;

/// <summary>
/// An <see cref="IMusicTestBackend"/> was asked for something it cannot produce (a fault missing from its
/// <see cref="IMusicTestBackend.Faults"/>, or clients from a backend of bare lock stores). The message names the
/// backend and what it lacks, so the test that asked fails loudly instead of passing without the fault.
/// </summary>
/// <example>
/// <code>
/// // in a backend that has no way to crash a client:
/// public Task CrashAsync(IMusicClient client) =&gt; throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.Crash);
///
/// // in a suite whose every test cuts sites off, before the tests run:
/// MusicTestBackendNotSupportedException.ThrowIfLacking(backend, MusicTestBackendFaults.CutOff);
/// </code>
/// </example>
public sealed class MusicTestBackendNotSupportedException : NotSupportedException
{
    /// <summary>The backend lacks <paramref name="fault"/>.</summary>
    public MusicTestBackendNotSupportedException(IMusicTestBackend backend, MusicTestBackendFaults fault)
        : base($"The test backend {Describe(backend)} cannot produce the fault {fault} (it offers: {backend?.Faults}).")
    {
    }

    /// <summary>The backend cannot do <paramref name="what"/> (for example "create clients").</summary>
    public MusicTestBackendNotSupportedException(IMusicTestBackend backend, string what)
        : base($"The test backend {Describe(backend)} cannot {what}.")
    {
    }

    /// <summary>Creates the exception with a message of your own.</summary>
    public MusicTestBackendNotSupportedException()
    {
    }

    /// <summary>Creates the exception with a message of your own.</summary>
    public MusicTestBackendNotSupportedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message of your own and its cause.</summary>
    public MusicTestBackendNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Throws unless <paramref name="backend"/> offers every fault of <paramref name="faults"/>: what a suite that
    /// needs those faults calls before its tests run.
    /// </summary>
    public static void ThrowIfLacking(IMusicTestBackend backend, MusicTestBackendFaults faults)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var missing = faults & ~backend.Faults;
        if (missing != MusicTestBackendFaults.None)
        {
            throw new MusicTestBackendNotSupportedException(backend, missing);
        }
    }

    // A backend's ToString names it (the default is its type's full name; a backend of delegates returns the name it was given).
    private static string Describe(IMusicTestBackend backend) => backend?.ToString() ?? "(null)";
}
