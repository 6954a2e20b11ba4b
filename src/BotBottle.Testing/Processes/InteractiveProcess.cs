using System.Diagnostics;
using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Processes;

/// <summary>
/// Runs a command with the caller's terminal inherited (no pipes), so an interactive agent feels
/// native; optionally sets the terminal title/colour for the session and restores them after.
/// </summary>
internal static class InteractiveProcess
{
    /// <summary>Runs <paramref name="argv"/> and returns its exit code; cancellation kills it.</summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> argv,
        TerminalStyle style,
        IReadOnlyDictionary<string, string?> environment,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(style);
        ArgumentNullException.ThrowIfNull(environment);
        if (argv.Count == 0)
        {
            throw new ArgumentException("argv is empty", nameof(argv));
        }

        var info = new ProcessStartInfo(argv[0]) { UseShellExecute = false };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var decorate = !style.IsEmpty && !Console.IsOutputRedirected;
        if (decorate)
        {
            Console.Out.Write(TerminalEscapes.Apply(style));
            Console.Out.Flush();
        }

        try
        {
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {argv[0]}");
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return process.ExitCode;
        }
        finally
        {
            if (decorate)
            {
                Console.Out.Write(TerminalEscapes.Reset(style));
                Console.Out.Flush();
            }
        }
    }
}

/// <summary>The escape sequences behind <see cref="TerminalStyle"/>.</summary>
internal static class TerminalEscapes
{
    private const string Osc = "\u001b]";
    private const string Bel = "\u0007";

    /// <summary>Sets the title (OSC 2) and background colour (OSC 11) that are given.</summary>
    public static string Apply(TerminalStyle style)
    {
        ArgumentNullException.ThrowIfNull(style);
        var text = "";
        if (style.Title.Length > 0)
        {
            text += Osc + "2;" + Clean(style.Title) + Bel;
        }

        if (style.Color.Length > 0)
        {
            text += Osc + "11;" + Clean(style.Color) + Bel;
        }

        return text;
    }

    /// <summary>Clears the title and resets the background colour (OSC 111) that <see cref="Apply"/> set.</summary>
    public static string Reset(TerminalStyle style)
    {
        ArgumentNullException.ThrowIfNull(style);
        var text = "";
        if (style.Title.Length > 0)
        {
            text += Osc + "2;" + Bel;
        }

        if (style.Color.Length > 0)
        {
            text += Osc + "111" + Bel;
        }

        return text;
    }

    private static string Clean(string value) => new(value.Where(c => !char.IsControl(c)).ToArray());
}
