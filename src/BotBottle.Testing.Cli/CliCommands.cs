using System.CommandLine;

namespace BotBottle.Testing.Cli;

/// <summary>One <c>botbottle</c> command: its name, options and action, in a file of its own.</summary>
internal interface ICliCommand
{
    /// <summary>The command, whose action writes to <paramref name="output"/> and returns the exit code.</summary>
    Command Create(TextWriter output, TextWriter error);
}

/// <summary>
/// The command line of <c>botbottle</c> (System.CommandLine): every command is registered here, one line each.
/// Help goes to stdout with exit 0; no arguments prints the help and runs nothing; a usage error is one line on
/// stderr and exit 2.
/// </summary>
internal static class CliCommands
{
    /// <summary>Exit code of a usage error (bad arguments or spec).</summary>
    public const int UsageError = 2;

    private static IReadOnlyList<ICliCommand> All { get; } =
    [
        new ConformanceCommand(),
        new ProbesCommand(),
        new PrerequisitesCommand(),
        new ImagesCommand(),
        new DoctorCommand(),
    ];

    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("""
            botbottle: launch a real bottle (an AI agent's container or microVM plus its egress-proxy bundle) and check it.
            exit codes: 0 passed, 1 a check failed, 2 bad arguments or spec, 3 no backend could run here.
            """);
        foreach (var command in All)
        {
            root.Subcommands.Add(command.Create(output, error));
        }

        return root;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var root = Build(output, error);
        var parsed = root.Parse(args.Count == 0 ? ["--help"] : [.. args]);
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        if (parsed.Errors.Count > 0 && parsed.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            var command = parsed.CommandResult.Command == root ? "botbottle" : "botbottle " + parsed.CommandResult.Command.Name;
            var problem = parsed.UnmatchedTokens.Count > 0 ? $"unknown command or argument '{parsed.UnmatchedTokens[0]}'" : parsed.Errors[0].Message.ReplaceLineEndings(" ");
            await error.WriteLineAsync($"botbottle: {problem} (see `{command} --help`)");
            return UsageError;
        }

        if (parsed.CommandResult.Command == root && parsed.Action is null)
        {
            await error.WriteLineAsync("botbottle: name a command (see `botbottle --help`)");
            return UsageError;
        }

        return await parsed.InvokeAsync(configuration, cancellationToken);
    }
}
