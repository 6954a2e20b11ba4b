using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Provisioning;

/// <summary>
/// The provisioning steps every backend runs after the agent starts, through the bottle's own
/// exec and copy: home ownership, the prompt file (always, mode 0600, owned by the agent user)
/// and the skills (a missing one fails the launch, naming it).
/// </summary>
public static class BottleProvisioner
{
    /// <summary>Where the prompt file lands in the guest.</summary>
    public static readonly string PromptGuestPath = GuestUsers.HomeOf(GuestUsers.Agent) + "/.bot-bottle-prompt.txt";

    /// <summary>Where skills land in the guest (one directory or file per skill).</summary>
    public static readonly string SkillsGuestDirectory = GuestUsers.HomeOf(GuestUsers.Agent) + "/.claude/skills";

    private const UnixFileMode PromptMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// <c>chown -R node:node /home/node</c>: packing an image can hand the home to the packing user's
    /// uid, and an agent that cannot write its own home hangs at start.
    /// </summary>
    public static async Task FixHomeOwnershipAsync(IBottle bottle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        var home = GuestUsers.HomeOf(GuestUsers.Agent);
        var result = await bottle.ExecAsync($"mkdir -p {home} && chown -R {GuestUsers.Agent}:{GuestUsers.Agent} {home}", GuestUsers.Root, cancellationToken)
            .ConfigureAwait(false);
        result.ThrowOnFailure();
    }

    /// <summary>Copies the prompt file and the skills; returns the prompt's guest path, or null when the prompt is empty.</summary>
    public static async Task<string?> ProvisionAsync(IBottle bottle, BottleSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        ArgumentNullException.ThrowIfNull(spec);
        var promptPath = await ProvisionPromptAsync(bottle, spec.Prompt, cancellationToken).ConfigureAwait(false);
        await ProvisionSkillsAsync(bottle, spec.Skills, cancellationToken).ConfigureAwait(false);
        return promptPath;
    }

    /// <summary>Copies the prompt (even an empty one) to the guest with mode 0600, owned by the agent user.</summary>
    public static async Task<string?> ProvisionPromptAsync(IBottle bottle, string prompt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        ArgumentNullException.ThrowIfNull(prompt);
        var staging = Directory.CreateTempSubdirectory("bbt-prompt-");
        try
        {
            var file = Path.Combine(staging.FullName, "prompt.txt");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = PromptMode;
            }

            await using (var stream = new FileStream(file, options))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(prompt.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            await bottle.CopyInAsync(file, PromptGuestPath, GuestUsers.Agent, PromptMode, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            staging.Delete(recursive: true);
        }

        return prompt.Length == 0 ? null : PromptGuestPath;
    }

    /// <summary>Creates the skills directory and copies each skill into it; a missing skill throws, naming it.</summary>
    public static async Task ProvisionSkillsAsync(IBottle bottle, IReadOnlyList<SkillSource> skills, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        ArgumentNullException.ThrowIfNull(skills);
        if (skills.Count == 0)
        {
            return;
        }

        var missing = skills.Where(s => !File.Exists(s.HostPath) && !Directory.Exists(s.HostPath)).ToList();
        if (missing.Count > 0)
        {
            throw new FileNotFoundException(
                "skill not found: " + string.Join(", ", missing.Select(s => $"'{s.GuestName}' ({s.HostPath})")),
                missing[0].HostPath);
        }

        var made = await bottle.ExecAsync("mkdir -p " + SkillsGuestDirectory, GuestUsers.Agent, cancellationToken)
            .ConfigureAwait(false);
        made.ThrowOnFailure();
        foreach (var skill in skills)
        {
            await bottle.CopyInAsync(skill.HostPath, SkillsGuestDirectory + "/" + skill.GuestName, GuestUsers.Agent, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
