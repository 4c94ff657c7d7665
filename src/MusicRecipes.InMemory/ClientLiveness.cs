namespace MusicRecipes.InMemory;

/// <summary>Whether a simulated client process is still running; a crashed one can do nothing and sends no heartbeats.</summary>
internal sealed class ClientLiveness
{
    private volatile bool _crashed;

    public bool IsCrashed => _crashed;

    public void Crash() => _crashed = true;

    public void ThrowIfCrashed()
    {
        if (_crashed)
        {
            throw new MusicUnavailableException("This simulated client has crashed.");
        }
    }
}
