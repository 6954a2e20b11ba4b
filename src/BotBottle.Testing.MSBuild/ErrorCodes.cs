namespace BotBottle.Testing.MSBuild;

/// <summary>
/// Codes the tasks log. A failed check carries its own stable code from the report (<c>BBT0101</c>–<c>BBT0199</c>
/// one per isolation probe, <c>BBT0201</c>–<c>BBT0207</c> one per conformance check kind); these are the tasks' own.
/// </summary>
internal static class ErrorCodes
{
    /// <summary>The botbottle CLI is not where the task was told to find it.</summary>
    public const string CliMissing = "BBT0001";

    /// <summary>The CLI ended without writing its report.</summary>
    public const string CliFailed = "BBT0002";

    /// <summary>The conformance spec (or the task's arguments) is invalid.</summary>
    public const string InvalidSpec = "BBT0003";

    /// <summary>No backend could run here, so nothing was checked.</summary>
    public const string NothingRan = "BBT0004";

    /// <summary>An env item's name cannot be passed to a bottle.</summary>
    public const string InvalidEnv = "BBT0005";

    /// <summary>The run was cancelled (the bottle was torn down).</summary>
    public const string Cancelled = "BBT0006";

    /// <summary>CheckBottlePrerequisites could not ask the CLI.</summary>
    public const string PrerequisitesUnknown = "BBT0301";
}
