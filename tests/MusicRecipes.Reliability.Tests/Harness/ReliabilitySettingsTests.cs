using MusicRecipes.Testing;

namespace MusicRecipes.Reliability.Tests.Harness;

public sealed class ReliabilitySettingsTests
{
    [Fact]
    public void Every_server_port_lies_below_the_ephemeral_range_so_no_client_connection_can_take_it()
    {
        Assert.All(ReliabilitySettings.ServerPorts, port => Assert.False(LocalPorts.IsEphemeral(port), $"port {port} is in {LocalPorts.EphemeralRange}"));
    }
}
