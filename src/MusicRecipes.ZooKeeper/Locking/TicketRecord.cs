using System.Text.Json;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// The data of a queue entry: the ticket id and every key the ticket covers, so that whoever reads one queue can
/// remove the ticket from all of them (a forced release must leave every queue).
/// </summary>
internal sealed record TicketRecord(string Id, IReadOnlyList<string> Keys)
{
    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(new Wire(Id, [.. Keys]));

    public static TicketRecord? TryDecode(byte[] data)
    {
        try
        {
            var wire = JsonSerializer.Deserialize<Wire>(data);
            return wire?.Id is null || wire.Keys is null ? null : new TicketRecord(wire.Id, wire.Keys);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Wire(string? Id, string[]? Keys);
}
