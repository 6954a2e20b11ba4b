using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BotBottle.Testing.Diagnostics;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Probes;

/// <summary>
/// Builds the one script a vantage runs: the probe library, tool detection, every step started in
/// the background with its own limit, then one JSON line per step.
/// </summary>
internal static partial class BatteryScript
{
    private static readonly Lazy<string> Library = new(() => Resources.EmbeddedText.Read("BotBottle.Testing.Probes.probe-lib.sh"));

    private static readonly Lazy<string> Raw6 = new(() => Resources.EmbeddedText.Read("BotBottle.Testing.Probes.raw6.pl"));

    /// <summary>The in-guest probe library (POSIX sh).</summary>
    public static string LibraryText => Library.Value;

    /// <summary>Builds the script for <paramref name="steps"/> (all at one vantage).</summary>
    public static string Build(IEnumerable<IsolationStep> steps, NetworkTool tool = NetworkTool.Auto)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var script = new StringBuilder();
        script.Append("BBT_LIB=").Append(ShellQuoting.Quote(LibraryText)).Append('\n');
        script.Append("export BBT_LIB\neval \"$BBT_LIB\"\n");
        steps = steps.ToList();
        if (steps.Any(s => s.Action is RawIpv6Dial))
        {
            script.Append("BBT_RAW6=").Append(ShellQuoting.Quote(Raw6.Value)).Append("\nexport BBT_RAW6\n");
        }

        script.Append("BBT_FORCE=").Append(ForcedTool(tool)).Append("\nexport BBT_FORCE\nbbt_begin\n");
        foreach (var step in steps)
        {
            if (!SafeId().IsMatch(step.Id))
            {
                throw new ArgumentException($"probe id '{step.Id}' must be letters, digits, '-', '.' or '_'", nameof(steps));
            }

            var seconds = Math.Max(1, (int)Math.Ceiling(step.Timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            script.Append("bbt_probe ").Append(step.Id).Append(' ').Append(seconds).Append(' ').Append(step.Action.Kind);
            foreach (var argument in step.Action.Arguments)
            {
                script.Append(' ').Append(ShellQuoting.Quote(argument));
            }

            script.Append(" &\n");
        }

        script.Append("bbt_end\n");
        return script.ToString();
    }

    private static string ForcedTool(NetworkTool tool) => tool switch
    {
        NetworkTool.Auto => "''",
        NetworkTool.Bash => "bash",
        NetworkTool.Nc => "nc",
        NetworkTool.Curl => "curl",
        _ => throw new ArgumentOutOfRangeException(nameof(tool)),
    };

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeId();
}
