using System.Globalization;
using System.Text;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Provisioning;

/// <summary>
/// What every backend does once the agent answers, in one exec and one upload: the agent's home (and
/// skills directory) created and given to the agent user (image packing can hand the home to the packing
/// user's uid, and an agent that cannot write its home hangs at start), then the prompt file (always, mode
/// 0600, owned by the agent user) and the skills placed in a single upload.
/// </summary>
internal static class BottleProvisioner
{
    /// <summary>Where the prompt file lands in the guest.</summary>
    public static readonly string PromptGuestPath = GuestUsers.HomeOf(GuestUsers.Agent) + "/.bot-bottle-prompt.txt";

    /// <summary>Where skills land in the guest (one directory or file per skill).</summary>
    public static readonly string SkillsGuestDirectory = GuestUsers.HomeOf(GuestUsers.Agent) + "/.claude/skills";

    private const UnixFileMode PromptMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The prompt's guest path, or null when the prompt is empty (the file is provisioned either way).</summary>
    public static string? PromptPathFor(BottleSpec spec) => spec.Prompt.Length == 0 ? null : PromptGuestPath;

    /// <summary>The skills that do not exist on the host (a launch with any of them fails before anything is created).</summary>
    public static IReadOnlyList<SkillSource> MissingSkills(BottleSpec spec) =>
        spec.Skills.Where(s => !File.Exists(s.HostPath) && !Directory.Exists(s.HostPath)).ToList();

    /// <summary>The one provisioning exec: home (and skills directory) created and owned by the agent user; returns its uid and gid.</summary>
    public static async Task<(int Uid, int Gid)> OwnHomeAsync(IAgentRuntime agent, TimeSpan retrySettle, BottleSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var script = HomeScript(spec);
        var result = await ExecRetry.RunAsync(ct => agent.ExecAsync([GuestCommand.Shell, "-c", script], [], ct), retrySettle, cancellationToken).ConfigureAwait(false);
        result.ThrowOnFailure();
        var ids = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (int.Parse(ids[^2], CultureInfo.InvariantCulture), int.Parse(ids[^1], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The root shell script that creates the agent's home (and skills directory), gives it to the agent user and
    /// prints the user's uid and gid, a line each: run by an exec, or by a backend's keep-alive as the agent starts.
    /// </summary>
    public static string HomeScript(BottleSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var home = GuestUsers.HomeOf(GuestUsers.Agent);
        return $"mkdir -p {home}{(spec.Skills.Count > 0 ? " " + SkillsGuestDirectory : "")} && chown -R {GuestUsers.Agent}:{GuestUsers.Agent} {home} && id -u {GuestUsers.Agent} && id -g {GuestUsers.Agent}";
    }

    /// <summary>The one provisioning upload: the prompt file and every skill, owned by the agent user.</summary>
    public static IReadOnlyList<GuestFile> Files(BottleSpec spec, int uid, int gid)
    {
        var missing = MissingSkills(spec);
        if (missing.Count > 0)
        {
            throw new FileNotFoundException("skill not found: " + string.Join(", ", missing.Select(s => $"'{s.GuestName}' ({s.HostPath})")), missing[0].HostPath);
        }

        var files = new List<GuestFile> { new(PromptGuestPath, null, Encoding.UTF8.GetBytes(spec.Prompt), uid, gid, PromptMode) };
        foreach (var skill in spec.Skills)
        {
            files.AddRange(GuestFile.From(skill.HostPath, SkillsGuestDirectory + "/" + skill.GuestName, uid, gid, fileMode: null));
        }

        return files;
    }
}
