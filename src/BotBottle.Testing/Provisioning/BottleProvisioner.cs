using System.Globalization;
using System.Text;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Provisioning;

/// <summary>
/// What every backend does once the agent answers, in one exec and one upload: the agent's home (and
/// skills directory) created and given to the agent user (image packing can hand the home to the packing
/// user's uid, and an agent that cannot write its home hangs at start), then the prompt file and the skills placed in
/// a single upload. The prompt file is the agent's to read, never to change: it lives in a directory of root's
/// (<see cref="PromptDirectory"/>, made afresh, mode 0750, group the agent's), owned by root with the agent's group and
/// mode 0640, so the agent cannot rewrite, replace or remove its own system prompt (in a shared session, for the
/// next test), and no other guest account can read it.
/// </summary>
internal static class BottleProvisioner
{
    /// <summary>The root-owned directory of the prompt file: the agent may list it, never write it.</summary>
    public const string PromptDirectory = "/etc/bot-bottle";

    /// <summary>Where the prompt file lands in the guest.</summary>
    public const string PromptGuestPath = PromptDirectory + "/prompt.txt";

    /// <summary>Where skills land in the guest (one directory or file per skill).</summary>
    public static readonly string SkillsGuestDirectory = GuestUsers.HomeOf(GuestUsers.Agent) + "/.claude/skills";

    /// <summary>rw-r-----: root writes it, the agent's group reads it, nobody else.</summary>
    private const UnixFileMode PromptMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

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
        return GuestIds.Read(ids, ids.Length - 2);
    }

    /// <summary>
    /// The root shell script that creates the agent's home (and skills directory), gives it to the agent user, makes
    /// the prompt directory afresh (whatever the image left at that path, a link included, is removed first) and
    /// prints the user's uid and gid, a line each: run by an exec, or by a backend's keep-alive as the agent starts.
    /// </summary>
    public static string HomeScript(BottleSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var home = GuestUsers.HomeOf(GuestUsers.Agent);
        var agent = GuestUsers.Agent;
        return $"mkdir -p {home}{(spec.Skills.Count > 0 ? " " + SkillsGuestDirectory : "")} && chown -R {agent}:{agent} {home}"
            + $" && rm -rf {PromptDirectory} && mkdir -m 0750 {PromptDirectory} && chgrp {agent} {PromptDirectory}"
            + $" && id -u {agent} && id -g {agent}";
    }

    /// <summary>The one provisioning upload: the prompt file and every skill, owned by the agent user.</summary>
    public static IReadOnlyList<IAgentRuntime.GuestFile> Files(BottleSpec spec, int uid, int gid)
    {
        var missing = MissingSkills(spec);
        if (missing.Count > 0)
        {
            throw new FileNotFoundException("skill not found: " + string.Join(", ", missing.Select(s => $"'{s.GuestName}' ({s.HostPath})")), missing[0].HostPath);
        }

        var files = new List<IAgentRuntime.GuestFile> { new(PromptGuestPath, null, Encoding.UTF8.GetBytes(spec.Prompt), 0, gid, PromptMode) };
        foreach (var skill in spec.Skills)
        {
            files.AddRange(IAgentRuntime.GuestFile.From(skill.HostPath, SkillsGuestDirectory + "/" + skill.GuestName, uid, gid, fileMode: null));
        }

        return files;
    }
}
