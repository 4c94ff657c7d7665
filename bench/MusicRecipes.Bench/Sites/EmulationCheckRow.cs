namespace MusicRecipes.Bench;

/// <summary>One operation of the emulation check: how many round trips between sites it should cost, and what it did.</summary>
/// <param name="Operation">What was timed, and from which site.</param>
/// <param name="ExpectedRoundTrips">Round trips between sites a real deployment pays for it.</param>
/// <param name="ExpectedMs">That many round trips of the configured delay.</param>
/// <param name="P50Ms">Measured median.</param>
/// <param name="Pass">Within 20 % of the expected time (for 0 round trips: under 20 % of one round trip).</param>
internal sealed record EmulationCheckRow(string Operation, int ExpectedRoundTrips, double ExpectedMs, double P50Ms, bool Pass);
