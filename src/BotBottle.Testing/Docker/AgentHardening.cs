using System.Globalization;
using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Docker;

/// <summary>
/// How the agent container is locked down on every engine: every capability dropped but the few the harness's own
/// root execs need, no new privileges (so no setuid binary or file capability raises an exec above them), and the
/// bottle's <see cref="AgentLimits"/>. What matters most is what is gone: <c>NET_RAW</c> (root in the agent cannot
/// send raw frames, IPv6 over a packet socket among them), <c>MKNOD</c>, <c>SETFCAP</c>, <c>SETPCAP</c>,
/// <c>NET_BIND_SERVICE</c>, <c>SYS_CHROOT</c>, <c>FSETID</c> and <c>AUDIT_WRITE</c>. The summary that reports show is
/// read back from the engine, not restated from the request.
/// </summary>
internal static class AgentHardening
{
    /// <summary>
    /// What root execs keep: the user switch (<c>runuser</c>: SETUID, SETGID), giving the agent its home and files
    /// (CHOWN, FOWNER, DAC_OVERRIDE) and ending a cancelled exec's processes of any user (KILL).
    /// </summary>
    public static readonly IReadOnlyList<string> Kept = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETGID", "SETUID"];

    private static readonly AsyncLocal<IReadOnlyList<string>?> Granted = new();

    /// <summary>
    /// The test seam of a deliberately over-privileged agent: bottles launched in this async flow get
    /// <paramref name="capabilities"/> back (e.g. NET_RAW, to show the wire witness sees what root then sends) until the scope is disposed.
    /// </summary>
    internal static IDisposable GrantForTest(params string[] capabilities)
    {
        Granted.Value = capabilities;
        return new GrantScope();
    }

    /// <summary>The hardened request.</summary>
    public static Engine.ContainerRequest Apply(Engine.ContainerRequest request, AgentLimits limits) => request with
    {
        CapDrop = ["ALL"],
        CapAdd = [.. Kept, .. Granted.Value ?? []],
        NoNewPrivileges = true,
        PidsLimit = limits.Pids,
        MemoryBytes = limits.MemoryBytes,
        NanoCpus = (long)Math.Round(limits.Cpus * 1e9),
    };

    /// <summary>The container's security settings as the engine reports them, on one line.</summary>
    public static string Describe(Engine.ContainerDetails inspect)
    {
        ArgumentNullException.ThrowIfNull(inspect);
        var host = inspect.Security;
        var drop = host.CapDrop is { Count: > 0 } d ? string.Join(",", d) : "none";
        var add = host.CapAdd is { Count: > 0 } a ? string.Join(",", a) : "none";
        var options = host.SecurityOpt is { Count: > 0 } o ? string.Join(",", o) : "none";
        return string.Create(CultureInfo.InvariantCulture,
            $"privileged {(host.Privileged ? "yes" : "no")}, cap-drop {drop}, cap-add {add}, security-opt {options}, " +
            $"pids {Limit(host.PidsLimit)}, memory {(host.MemoryBytes is > 0 and var m ? (m / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + " MiB" : "unlimited")}, " +
            $"cpus {(host.NanoCpus is > 0 and var n ? (n / 1e9).ToString("0.##", CultureInfo.InvariantCulture) : "unlimited")}");
    }

    private static string Limit(long? value) => value is > 0 ? value.Value.ToString(CultureInfo.InvariantCulture) : "unlimited";

    private sealed class GrantScope : IDisposable
    {
        public void Dispose() => Granted.Value = null;
    }
}
