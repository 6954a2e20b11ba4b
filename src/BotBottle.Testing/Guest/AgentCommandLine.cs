using BotBottle.Testing.Bottles;
using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Guest;

/// <summary>
/// The in-guest part of the interactive agent command line, shared by all backends:
/// user switch (the env travels as the exec's environment), the optional workdir wrapper, the agent command and the prompt
/// arguments placed according to the prompt mode.
/// </summary>
internal static class AgentCommandLine
{
    /// <summary>The <c>$0</c> the workdir wrapper gives its shell.</summary>
    public const string WrapperName = "bot-bottle-agent";

    /// <summary>Builds the in-guest argv that starts the agent as the agent user.</summary>
    public static IReadOnlyList<string> Build(BottleSpec spec, string? promptPath, IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(argv);
        var tail = new List<string>(GuestCommand.AsUser(GuestUsers.Agent));
        if (!string.IsNullOrEmpty(spec.AgentWorkdir) && spec.AgentWorkdir != GuestUsers.HomeOf(GuestUsers.Agent))
        {
            tail.AddRange(["sh", "-lc", "cd " + ShellQuoting.Quote(spec.AgentWorkdir) + " && exec \"$@\"", WrapperName]);
        }

        tail.AddRange(spec.AgentCommand);
        var promptArgs = PromptArguments(spec, promptPath);
        if (spec.PromptMode == PromptMode.ReadPromptFile)
        {
            tail.AddRange(argv);
            tail.AddRange(promptArgs);
        }
        else
        {
            tail.AddRange(promptArgs);
            tail.AddRange(argv);
        }

        return tail;
    }

    /// <summary>The prompt arguments for a mode; none when the prompt is empty.</summary>
    public static IReadOnlyList<string> PromptArguments(BottleSpec spec, string? promptPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrEmpty(promptPath))
        {
            return [];
        }

        return spec.PromptMode switch
        {
            PromptMode.AppendFile => ["--append-system-prompt-file", promptPath],
            PromptMode.ReadPromptFile => [$"Read {promptPath} and follow its instructions before anything else."],
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.PromptMode, "unknown prompt mode"),
        };
    }
}
