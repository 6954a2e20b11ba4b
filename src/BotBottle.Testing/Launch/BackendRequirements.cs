namespace BotBottle.Testing.Launch;

/// <summary>
/// Which backends must run here. BOTBOTTLE_REQUIRE (comma-separated backend names, or "all") turns
/// a missing prerequisite from a skip into a failure; CI sets it for docker so a missing engine can
/// never pass as a silent skip.
/// </summary>
internal static class BackendRequirements
{
    /// <summary>The environment variable read.</summary>
    public const string Variable = "BOTBOTTLE_REQUIRE";

    /// <summary>True when <paramref name="backend"/> is required by <paramref name="setting"/> (default: the environment).</summary>
    public static bool IsRequired(string backend, string? setting = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(backend);
        var value = setting ?? Environment.GetEnvironmentVariable(Variable) ?? "";
        return value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(v => v.Equals(backend, StringComparison.OrdinalIgnoreCase) || v.Equals("all", StringComparison.OrdinalIgnoreCase));
    }
}
