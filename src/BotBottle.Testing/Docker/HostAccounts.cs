using System.Globalization;
using BotBottle.Testing.Engine;

namespace BotBottle.Testing.Docker;

/// <summary>
/// Host accounts that share the agent's uid. Without a user namespace (an engine without <c>userns-remap</c>), the
/// agent's uid in the container is the same number on the host, so a host account with that uid, not root, owns the
/// agent's processes: it can read their environment (the bottle's secrets) from <c>/proc/&lt;pid&gt;/environ</c> and
/// write the agent's files through <c>/proc/&lt;pid&gt;/root</c>. Only an engine on this very host (a local socket on
/// Linux) shares its accounts; a remote engine or Docker Desktop's VM has accounts of its own.
/// </summary>
internal static class HostAccounts
{
    /// <summary>The reference agent's uid (node).</summary>
    public const int AgentUid = 1000;

    /// <summary>The prerequisite note for <paramref name="engine"/>, or null when no host account shares the agent's uid.</summary>
    public static string? Note(DockerEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (engine.RemapsUsers || !OperatingSystem.IsLinux() || engine.Endpoint.Uri.Scheme != "unix" || !File.Exists("/etc/passwd"))
        {
            return null;
        }

        try
        {
            return Note(File.ReadAllText("/etc/passwd"), AgentUid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The note for a passwd file's accounts with <paramref name="uid"/> on an engine that does not remap users.</summary>
    public static string? Note(string passwd, int uid)
    {
        ArgumentNullException.ThrowIfNull(passwd);
        var number = uid.ToString(CultureInfo.InvariantCulture);
        var sharing = passwd.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':'))
            .Where(fields => fields.Length >= 3 && fields[2] == number)
            .Select(fields => fields[0])
            .ToList();
        return sharing.Count == 0 ? null
            : $"host account{(sharing.Count > 1 ? "s" : "")} {string.Join(", ", sharing.Select(a => $"'{a}'"))} share{(sharing.Count > 1 ? "" : "s")} the agent's uid {number} "
              + "and the engine does not remap users (no userns-remap): such an account can read every bottle's environment, its secrets included, "
              + "from /proc/<pid>/environ, and write the agent's files through /proc/<pid>/root; enable userns-remap, or keep that uid free of accounts on hosts that run bottles";
    }
}
