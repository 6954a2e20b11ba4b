using System.Globalization;

namespace BotBottle.Testing.Bottles;

/// <summary>
/// The labels a bottle adds to every resource it creates: the user's own (<c>WithLabel</c>), and, for a bottle kept on
/// failure, until when it is kept (<see cref="KeepUntil"/>, seconds since the epoch). The harness's own label prefixes are
/// not the user's to set: the reaper, the sweep and Testcontainers' Ryuk act on them.
/// </summary>
internal static class BottleLabels
{
    /// <summary>Until when (Unix seconds) the sweep and the reaper leave a kept bottle's resources alone.</summary>
    public const string KeepUntil = Engine.ResourceLabels.KeepUntil;

    /// <summary>Set to <c>1</c>/<c>true</c> (an hour) or a duration (<c>00:30:00</c>) to keep every bottle whose launch fails.</summary>
    public const string KeepVariable = "BOTBOTTLE_KEEP_ON_FAILURE";

    /// <summary>How long a failed bottle is kept when no duration is given.</summary>
    public static readonly TimeSpan DefaultKeep = TimeSpan.FromHours(1);

    private static readonly string[] Reserved = ["dev.botbottle.", "org.testcontainers"];

    /// <summary>Throws when <paramref name="key"/> is empty or in a prefix the harness owns.</summary>
    public static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (Reserved.FirstOrDefault(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)) is { } prefix)
        {
            throw new ArgumentException($"the label '{key}' is in '{prefix}', which the harness owns (its reaper and sweep act on it); choose another prefix", nameof(key));
        }
    }

    /// <summary>The keep duration <see cref="KeepVariable"/> asks for, or null when it is unset, <c>0</c> or <c>false</c>.</summary>
    public static TimeSpan? KeepFromEnvironment(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value is "0" || value.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (value is "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return DefaultKeep;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var keep) && keep > TimeSpan.Zero
            ? keep
            : throw new ArgumentException($"{KeepVariable}='{value}' is neither 1/true/0/false nor a positive duration such as 00:30:00");
    }

    /// <summary>The label value for a keep until <paramref name="until"/>.</summary>
    public static string Format(DateTimeOffset until) => until.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether a resource with these labels is kept at <paramref name="now"/>.</summary>
    public static bool IsKept(IDictionary<string, string>? labels, DateTimeOffset now) => Engine.ResourceLabels.IsKept(labels, now);
}
