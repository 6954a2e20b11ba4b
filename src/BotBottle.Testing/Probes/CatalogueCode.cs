using System.Text.RegularExpressions;

namespace BotBottle.Testing.Probes;

/// <summary>
/// The one place a catalogue check's diagnostic code is made: <c>BBT0101</c>–<c>BBT0179</c> for the catalogue's own
/// entries (each declared on its entry, never derived from a position), <c>BBT0180</c>–<c>BBT0198</c> for the per-daemon
/// bypass checks of daemons a caller declares (<see cref="CatalogueOptions.LoopbackDaemon"/>), <c>BBT0199</c> for a probe the catalogue
/// does not know.
/// </summary>
internal static partial class CatalogueCode
{
    /// <summary>The code given to a probe id the catalogue has no entry for.</summary>
    public const string Unknown = "BBT0199";

    /// <summary><see cref="Unknown"/> as a code.</summary>
    public static readonly Checks.CheckCode UnknownCheck = Checks.CheckCode.Parse(Unknown);

    /// <summary>The first code of the range kept for a caller's own loopback daemons.</summary>
    public const int FirstDaemonCode = 180;

    /// <summary>The last code of the range kept for a caller's own loopback daemons.</summary>
    public const int LastDaemonCode = 198;

    /// <summary><paramref name="code"/> (<c>BBT01xx</c>) as a catalogue code; anything else is a programming error.</summary>
    public static string Of(string code) =>
        IsProbeCode(code) ? code : throw new ArgumentException($"'{code}' is not a catalogue code (BBT0101–BBT0198)", nameof(code));

    /// <summary>Whether <paramref name="code"/> is in the range kept for a caller's own loopback daemons (<c>BBT0180</c>–<c>BBT0198</c>).</summary>
    public static bool IsDaemonCode(string code) => IsProbeCode(code) && Number(code) is >= FirstDaemonCode and <= LastDaemonCode;

    private static bool IsProbeCode(string? code) => code is not null && Shape().IsMatch(code) && Number(code) is >= 101 and <= 198;

    private static int Number(string code) => int.Parse(code.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("^BBT01[0-9]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
