namespace PlacementService;

/// <summary>The cores one site can hand out. A placed application holds its cores for its lifetime.</summary>
public sealed class SiteCapacity(int totalCpu)
{
    private int _used;

    public int TotalCpu { get; } = totalCpu;

    public int UsedCpu => Volatile.Read(ref _used);

    /// <summary>True when a template of this size can never run here, however empty the site is.</summary>
    public bool CanNeverFit(Template template) => template.Cpu > TotalCpu;

    /// <summary>Reserves the cores if free now.</summary>
    public bool TryReserve(int cpu)
    {
        while (true)
        {
            var used = Volatile.Read(ref _used);
            if (used + cpu > TotalCpu)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _used, used + cpu, used) == used)
            {
                return true;
            }
        }
    }

    public void Free(int cpu) => Interlocked.Add(ref _used, -cpu);
}
