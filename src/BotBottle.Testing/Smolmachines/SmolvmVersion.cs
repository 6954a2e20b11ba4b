using System.Text.RegularExpressions;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// A parsed <c>smolvm --version</c> and the contract changes that hang on it.
/// </summary>
public sealed partial record SmolvmVersion(Version Value)
{
    /// <summary>First version where the machine name is a <c>--name</c> flag on create/delete.</summary>
    public static readonly Version NameFlagSince = new(1, 0, 2);

    /// <summary>First version that returns 128+signal for a signal-killed exec and forwards the PTY size.</summary>
    public static readonly Version SignalExitCodesSince = new(0, 8, 1);

    /// <summary>First version whose egress allow-list is enforced (virtio-net).</summary>
    public static readonly Version EnforcedAllowListSince = new(1, 1, 3);

    /// <summary>First version where <c>create --from</c> keeps <c>--allow-cidr</c> (earlier ones drop it silently).</summary>
    public static readonly Version AllowCidrWithPackSince = new(1, 8, 0);

    /// <summary>First version whose packs keep file ownership.</summary>
    public static readonly Version PacksKeepOwnershipSince = new(1, 8, 1);

    /// <summary>True when create/delete take <c>--name NAME</c> instead of a positional name.</summary>
    public bool UsesNameFlag => Value >= NameFlagSince;

    /// <summary>True when a VM created from a pack really enforces its <c>--allow-cidr</c> list.</summary>
    public bool EnforcesAllowCidrFromPack => Value >= AllowCidrWithPackSince && Value >= EnforcedAllowListSince;

    /// <summary>Parses the output of <c>smolvm --version</c> (e.g. <c>smolvm 0.8.0</c>).</summary>
    public static SmolvmVersion Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var match = VersionPattern().Match(output);
        if (!match.Success)
        {
            throw new SmolvmException($"could not read a version from `smolvm --version` output: '{output.Trim()}'");
        }

        return new SmolvmVersion(new Version(
            int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].ValueSpan, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(match.Groups[3].ValueSpan, System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <inheritdoc />
    public override string ToString() => Value.ToString(3);

    [GeneratedRegex(@"(\d+)\.(\d+)\.(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
