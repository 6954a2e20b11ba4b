using BotBottle.Testing.Engine;
using BotBottle.Testing.Processes;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Reaping;

/// <summary>
/// The launch step that starts the reaper (<see cref="Watchdog"/>) before anything of a session is created, unless
/// the user turned reaping off as Testcontainers users do (<c>TESTCONTAINERS_RYUK_DISABLED=true</c> or
/// <c>ryuk.disabled=true</c>, <see cref="EngineSettings.ReaperDisabled"/>). With it off, a killed test host's
/// resources stay until the next session's sweep of dead sessions (which still runs).
/// </summary>
internal static class ReaperStart
{
    /// <summary>Runs <paramref name="start"/> unless <paramref name="settings"/> turn reaping off; whether it ran.</summary>
    public static async Task<bool> RunAsync(EngineSettings settings, Func<Task> start, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(start);
        if (settings.ReaperDisabled)
        {
            logger.LogInformation("reaper not started (TESTCONTAINERS_RYUK_DISABLED / ryuk.disabled): a killed test host's resources stay until the next session's sweep");
            return false;
        }

        await start().ConfigureAwait(false);
        return true;
    }

    /// <summary>Starts the reaper of this session's containers and networks on <paramref name="engine"/> (once per engine), unless reaping is off.</summary>
    public static Task<bool> WatchDockerAsync(DockerEngine engine, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return RunAsync(EngineSettings.Current, () => Watchdog.WatchDockerAsync(engine.Endpoint.Uri, ToolLocator.Find("docker") ?? "docker", ResourceLabels.SessionId, logger), logger);
    }
}
