using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// One machine as <c>machine ls --json</c> reports it (machine_status_json, src/cli/vm_common.rs): the fields that say
/// what network the machine has. Every release from 0.8.2 to 1.9.3 reports <c>network</c> (a bool: <c>--net</c>, an
/// egress policy or <c>--network</c>) and <c>ports</c> (a count of published ports, not a list); neither the allow-lists
/// nor the network name are in the record, and <c>--mount-socket</c> bridges ride on vsock, not a NIC.
/// </summary>
internal sealed record SmolvmMachineRecord
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("state")]
    public string? State { get; init; }

    [JsonPropertyName("network")]
    public bool? Network { get; init; }

    [JsonPropertyName("ports")]
    public int? Ports { get; init; }

    /// <summary>The machines of a <c>machine ls --json</c> answer (a JSON array; <c>[]</c> when empty).</summary>
    /// <exception cref="FormatException">The answer is not such an array.</exception>
    public static IReadOnlyList<SmolvmMachineRecord> ParseList(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<SmolvmMachineRecord>>(json) ?? throw new FormatException("`machine ls --json` printed null");
        }
        catch (JsonException e)
        {
            throw new FormatException("`machine ls --json` did not print an array of machines: " + e.Message, e);
        }
    }

    /// <summary>
    /// What of the machine's network the record shows (<c>network true</c>, <c>2 published ports</c>); empty when it has none.
    /// </summary>
    /// <exception cref="FormatException">The record does not say (every named release reports both fields).</exception>
    public IReadOnlyList<string> NetworkShown(SmolvmVersion version)
    {
        if (Network is not { } network || Ports is not { } ports)
        {
            throw new FormatException($"smolvm {version}'s record of machine '{Name}' does not say whether it has a network (no `network` or `ports`)");
        }

        var shown = new List<string>();
        if (network)
        {
            shown.Add("network true (a NIC: --net, an egress policy or a named network)");
        }

        if (ports != 0)
        {
            shown.Add(string.Create(CultureInfo.InvariantCulture, $"{ports} published port{(ports == 1 ? "" : "s")}"));
        }

        return shown;
    }
}
