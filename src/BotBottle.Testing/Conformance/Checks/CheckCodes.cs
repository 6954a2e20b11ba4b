using System.Globalization;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// The stable diagnostic code of a check, for build logs: <c>BBT0101</c>–<c>BBT0199</c> one per probe of the
/// catalogue (the code its catalogue entry or its loopback daemon declares), <c>BBT0201</c>–<c>BBT0208</c> one per conformance
/// check kind (user, file, command, env, agent, proxy, the launch, image files read through the engine; new kinds appended).
/// </summary>
internal static class CheckCodes
{
    private static readonly string[] Kinds = ["user", "file", "command", "env", "agent", "proxy", "bottle", "image"];

    /// <summary>The code for <paramref name="check"/>, from its kind (a probe's: the one its catalogue entry declares).</summary>
    public static string For(ConformanceCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (check is ProbeConformanceCheck probe)
        {
            return probe.Code;
        }

        var k = Array.IndexOf(Kinds, check.Kind);
        return k < 0 ? "BBT0299" : "BBT" + (201 + k).ToString("0000", CultureInfo.InvariantCulture);
    }
}
