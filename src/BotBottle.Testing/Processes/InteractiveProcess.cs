using System.Diagnostics;

namespace BotBottle.Testing.Processes;

/// <summary>
/// Runs a command with the caller's terminal inherited (no pipes), so an interactive agent feels
/// native; optionally sets the terminal title/colour for the session and restores them after.
/// </summary>
internal static class InteractiveProcess
{
    /// <summary>
    /// Runs <paramref name="argv"/> and returns its exit code; cancellation kills it. <paramref name="enter"/> and
    /// <paramref name="leave"/> are written to the terminal before and after (escape sequences; empty for none).
    /// </summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> argv,
        string enter,
        string leave,
        IReadOnlyDictionary<string, string?> environment,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(enter);
        ArgumentNullException.ThrowIfNull(leave);
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

        var decorate = (enter.Length > 0 || leave.Length > 0) && !Console.IsOutputRedirected;
        if (decorate)
        {
            Console.Out.Write(enter);
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
                Console.Out.Write(leave);
                Console.Out.Flush();
            }
        }
    }
}
