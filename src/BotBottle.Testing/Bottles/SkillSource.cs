namespace BotBottle.Testing.Bottles;

/// <summary>A skill to install in the agent's skills directory: a host file or directory.</summary>
/// <param name="HostPath">The skill on the host (a directory holding SKILL.md, or a single file).</param>
/// <param name="Name">The name it gets in the guest; defaults to the host file or directory name.</param>
internal sealed record SkillSource(string HostPath, string? Name = null)
{
    /// <summary>The name the skill gets inside the guest.</summary>
    public string GuestName => Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(HostPath));
}
