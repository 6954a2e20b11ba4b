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
    /// 1.8.0: <c>create --label K=V</c> exists (8aed1aca #899), which the reaper finds a session's machines by, and a
    /// <c>--mount-socket</c> is injected into every OCI spec (75e2d5ae #867), so the proxy socket is visible inside an
    /// image machine's workload container; in 1.6.4-1.7.7 it is bound only in the VM's root namespace.
    /// </summary>
    public static readonly Version LabelsSince = new(1, 8, 0);

    /// <summary>1.9.0 (e432c7eb #997): <c>machine cp --uid --gid --mode</c>, and streamed uploads (over 1 MiB) land in the workload container.</summary>
    public static readonly Version CopyOwnershipSince = new(1, 9, 0);

    /// <summary>
    /// The oldest release the harness drives: 1.9.0. Below 1.8.0 there are no labels and the proxy socket is not in
    /// the workload's container. On 1.8.x a <c>machine cp</c> over 1 MiB takes a streaming path whose file the
    /// workload never sees (<c>write_file_from_reader_with_progress</c>, v1.8.0 <c>src/agent/client.rs</c>; fixed by
    /// e432c7eb, 1.9.0), so skills and copy-ins over 1 MiB vanish; and 1.8.0-1.8.2 write no default
    /// <c>/etc/hosts</c> (d2698723 in 1.8.3, e3f0814f in 1.9.0), so <c>localhost</c> does not resolve in the guest.
    /// </summary>
    public static readonly Version MinimumSupported = CopyOwnershipSince;

    /// <summary>True when create and delete take <c>--name NAME</c> instead of a positional name.</summary>
    public bool UsesNameFlag => Value >= NameFlagSince;

    /// <summary>True when smolvm forwards the host terminal size to the guest PTY itself (no resize bridge needed).</summary>
    public bool ForwardsTerminalSize => Value >= ForwardsTerminalSizeSince;

    /// <summary>True when <c>machine cp</c> sets owner and mode itself.</summary>
    public bool CopiesOwnership => Value >= CopyOwnershipSince;

    /// <summary>Why the harness refuses this version (each reason a fact of that release), or null when it is supported.</summary>
    public string? Refusal
    {
        get
        {
            if (Value >= MinimumSupported)
            {
                return null;
            }

            var reasons = new List<string>();
            if (Value < LabelsSince)
            {
                reasons.Add("`machine create --label` does not exist before 1.8.0 (smolvm 8aed1aca), and the harness's reaper finds a session's machines by their labels");
                reasons.Add(Value < MountSocketSince
                    ? "`--mount-socket` does not exist before 1.6.4, and the proxy socket is the machine's only way out"
                    : "a `--mount-socket` is not visible inside an image machine's container before 1.8.0 (smolvm 75e2d5ae), so the agent could not reach the proxy");
            }

            reasons.Add("`machine cp` of a file over 1 MiB lands where the workload cannot see it before 1.9.0 (smolvm e432c7eb), so large copy-ins and skills would vanish");
            reasons.Add("`machine cp` cannot set owner and mode before 1.9.0");
            if (Value >= LabelsSince && Value < new Version(1, 8, 3))
            {
                reasons.Add("1.8.0-1.8.2 write no default /etc/hosts (smolvm d2698723, 1.8.3), so localhost does not resolve in the guest");
            }

            return $"smolvm {this} is older than {MinimumSupported.ToString(3)}: {string.Join("; ", reasons)}. Install smolvm {MinimumSupported.ToString(3)} or newer";
        }
    }

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
