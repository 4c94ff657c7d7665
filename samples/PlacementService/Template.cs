namespace PlacementService;

/// <summary>An application template a client asks the service to place: it needs <paramref name="Cpu"/> cores at one site.</summary>
public sealed record Template(string? Name, int Cpu)
{
    /// <summary>The longest template name accepted.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The largest request body accepted for one template, in bytes.</summary>
    public const int MaxRequestBytes = 4 * 1024;

    /// <summary>What is wrong with the template, by field (empty when it is valid).</summary>
    public Dictionary<string, string[]> Problems()
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems["name"] = ["A template needs a name."];
        }
        else if (Name.Length > MaxNameLength)
        {
            problems["name"] = [$"A template name has at most {MaxNameLength} characters; this one has {Name.Length}."];
        }

        if (Cpu <= 0)
        {
            problems["cpu"] = ["A template needs a positive number of cores."];
        }

        return problems;
    }
}
