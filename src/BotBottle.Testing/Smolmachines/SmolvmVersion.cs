using System.Globalization;
using System.Text.RegularExpressions;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// A parsed <c>smolvm --version</c> and the contract changes that hang on it, each read in smolvm's source
/// at its release tags (smol-machines/smolvm; commit and file given).
/// </summary>
internal sealed partial record SmolvmVersion(Version Value)
{
    /// <summary>0.8.1 (8a554a98, 830953f5 #312): 128+signal exit codes, and the PTY size forwarded to the guest by smolvm itself.</summary>
    public static readonly Version ForwardsTerminalSizeSince = new(0, 8, 1);

    /// <summary>1.0.2 (67a09b27): the machine name is <c>--name</c> on create and delete.</summary>
    public static readonly Version NameFlagSince = new(1, 0, 2);

    /// <summary>1.1.0 (eb6aecfd #409): <c>create -I</c> takes a <c>docker save</c> archive, so local images reach the VM.</summary>
    public static readonly Version LocalImagesSince = new(1, 1, 0);

    /// <summary>1.3.0 (cd7dac16): <c>exec -d</c> starts a background process and returns.</summary>
    public static readonly Version DetachedExecSince = new(1, 3, 0);

    /// <summary>1.6.4 (b310083f #656): <c>--mount-socket HOST:GUEST</c>, a host socket in a guest with no network.</summary>
    public static readonly Version MountSocketSince = new(1, 6, 4);

    /// <summary>
    /// 1.8.0: <c>create --from</c> keeps <c>--allow-cidr</c> (f8a6fa62 #892; v1.7.7 <c>src/cli/machine.rs</c> sets
    /// <c>allowed_cidrs: None</c>), and <c>create --label K=V</c> exists (read back with <c>machine ls --json</c>).
    /// </summary>
    public static readonly Version MinimumSupported = new(1, 8, 0);

    /// <summary>1.9.0 (e432c7eb #997): <c>machine cp --uid --gid --mode</c> (uploads were root-owned before).</summary>
    public static readonly Version CopyOwnershipSince = new(1, 9, 0);

    /// <summary>True when create and delete take <c>--name NAME</c> instead of a positional name.</summary>
    public bool UsesNameFlag => Value >= NameFlagSince;

    /// <summary>True when smolvm forwards the host terminal size to the guest PTY itself (no resize bridge needed).</summary>
    public bool ForwardsTerminalSize => Value >= ForwardsTerminalSizeSince;

    /// <summary>True when <c>machine cp</c> sets owner and mode itself.</summary>
    public bool CopiesOwnership => Value >= CopyOwnershipSince;

    /// <summary>Why the harness refuses this version, or null when it is supported.</summary>
    public string? Refusal => Value < MinimumSupported
        ? $"smolvm {this} is older than {MinimumSupported.ToString(3)}: the egress policy would not be applied (machines created from a pack silently drop --allow-cidr before 1.8.0, smolvm #892), and its machines cannot carry the labels the harness's reaper finds them by; install smolvm {MinimumSupported.ToString(3)} or newer"
        : null;

    /// <summary>Parses the output of <c>smolvm --version</c> (clap prints <c>smolvm X.Y.Z</c>).</summary>
    public static SmolvmVersion Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var match = VersionPattern().Match(output);
        if (!match.Success)
        {
            throw new SmolvmException($"could not read a version from `smolvm --version` output: '{output.Trim()}'");
        }

        return new SmolvmVersion(new Version(
            int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[3].ValueSpan, CultureInfo.InvariantCulture)));
    }

    /// <inheritdoc />
    public override string ToString() => Value.ToString(3);

    [GeneratedRegex(@"(\d+)\.(\d+)\.(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
