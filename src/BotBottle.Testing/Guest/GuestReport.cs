using System.Text.Json;

namespace BotBottle.Testing.Guest;

/// <summary>
/// A report a guest-side program prints on its output for the harness: one line, a fixed prefix, then a versioned JSON
/// object. The harness reads these, never the human-readable lines around them.
/// </summary>
internal static class GuestReport
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The report in <paramref name="line"/>, or null when the line is not one (another prefix, or not valid JSON).</summary>
    public static T? Read<T>(string line, string prefix)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(line.AsSpan(prefix.Length), Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
