namespace BotBottle.Testing.Smolmachines.PtyBridge;

/// <summary>The bridge's command line: <c>&lt;machine&gt; -- &lt;smolvm&gt; machine exec … </c>.</summary>
/// <param name="Machine">The machine whose PTYs are resized.</param>
/// <param name="Child">The exec command the bridge runs (its first element is the smolvm executable).</param>
internal sealed record PtyBridgeArguments(string Machine, IReadOnlyList<string> Child)
{
    /// <summary>Usage text.</summary>
    public const string Usage = "usage: botbottle-pty-bridge <machine> -- <smolvm> machine exec --name <machine> -i -t -- <command...>";

    /// <summary>Parses the bridge's argv; throws <see cref="ArgumentException"/> with <see cref="Usage"/> when malformed.</summary>
    public static PtyBridgeArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count < 3 || args[1] != "--" || string.IsNullOrWhiteSpace(args[0]))
        {
            throw new ArgumentException(Usage, nameof(args));
        }

        return new PtyBridgeArguments(args[0], args.Skip(2).ToList());
    }

    /// <summary>
    /// The side-channel exec that sets every guest PTY to <paramref name="size"/>. The size travels as
    /// positional parameters, never spliced into the script.
    /// </summary>
    public IReadOnlyList<string> ResizeCommand(TerminalSize size) =>
    [
        Child[0],
        .. SmolvmCommands.Exec(Machine,
        [
            "/bin/sh", "-c",
            "for f in /dev/pts/[0-9]*; do [ -e \"$f\" ] && stty -F \"$f\" cols \"$1\" rows \"$2\" 2>/dev/null; done; exit 0",
            "pty-resize",
            Processes.Argv.Number(size.Columns),
            Processes.Argv.Number(size.Rows),
        ], []),
    ];
}
