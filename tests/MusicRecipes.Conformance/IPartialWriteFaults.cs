namespace MusicRecipes.Conformance;

/// <summary>A backend that can make the next critical write of a client reach only a minority of replicas and fail.</summary>
public interface IPartialWriteFaults
{
    /// <summary>Arms the fault: the next critical put by <paramref name="writer"/> lands on a minority and throws <see cref="MusicTimeoutException"/>.</summary>
    Task ArmPartialWriteAsync(IMusicClient writer);

    /// <summary>Undoes whatever the fault needed (resume paused nodes, and so on) once the failed write returned.</summary>
    Task RecoverAsync();
}
