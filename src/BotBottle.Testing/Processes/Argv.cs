using System.Globalization;

namespace BotBottle.Testing.Processes;

/// <summary>Values as an argv element (or an environment value) spells them, whatever the host's culture.</summary>
internal static class Argv
{
    /// <summary>An integer (a port, a uid, a terminal size, a limit), invariant: <c>8080</c>, never <c>8.080</c>.</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
