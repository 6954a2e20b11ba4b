using BotBottle.Testing.Sessions;

namespace BotBottle.Testing.Cli;

/// <summary><c>botbottle prerequisites</c>: one tab-separated line per backend (name, yes|no, reason).</summary>
internal static class PrerequisitesCommand
{
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        foreach (var backend in BottleBackends.All)
        {
            var report = await BackendPrerequisites.CheckAsync(backend, cancellationToken);
            await output.WriteLineAsync($"{backend}\t{(report.IsSatisfied ? "yes" : "no")}\t{report.Reason.ReplaceLineEndings(" ")}");
        }

        return 0;
    }
}
