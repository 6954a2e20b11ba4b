namespace BotBottle.Testing.Bottles;

/// <summary>How the agent receives its prompt file.</summary>
public enum PromptMode
{
    /// <summary><c>--append-system-prompt-file &lt;path&gt;</c> placed before the caller's argv (Claude Code).</summary>
    AppendFile,

    /// <summary>The caller's argv first, then an instruction naming the prompt file (agents without a prompt-file flag).</summary>
    ReadPromptFile,
}
