using System.Text.Json;

namespace BotBottle.Testing.Probes;

/// <summary>Parses a battery's JSON lines.</summary>
internal static class BatteryOutput
{
    /// <summary>The id of the line that lists the tools the guest has.</summary>
    public const string ToolsId = "#tools";

    /// <summary>Parses every JSON line of <paramref name="stdout"/>; other lines are ignored.</summary>
    public static IReadOnlyList<RawBatteryReport> Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var reports = new List<RawBatteryReport>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                reports.Add(new RawBatteryReport(
                    root.GetProperty("id").GetString() ?? "",
                    root.GetProperty("tool").GetString() ?? "",
                    root.GetProperty("rc").GetInt32(),
                    TimeSpan.FromMilliseconds(root.GetProperty("ms").GetInt64()),
                    TimeSpan.FromMilliseconds(root.GetProperty("limit").GetInt64()),
                    root.GetProperty("out").GetString() ?? "",
                    root.GetProperty("err").GetString() ?? ""));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // A line the guest garbled is left out; its step is then reported missing with the raw output.
            }
        }

        return reports;
    }
}
