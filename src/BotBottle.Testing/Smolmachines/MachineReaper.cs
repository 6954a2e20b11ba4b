using BotBottle.Testing.Bottles;
using BotBottle.Testing.Reaping;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// Starts the reaper for a smolvm (once per executable and environment) before the session's first machine is
/// created (unless reaping is off, <see cref="ReaperStart"/>): when the test host dies, the watchdog lists the machines with <c>machine ls --json</c> and deletes those
/// labelled with this session (<c>--label dev.botbottle.session=…</c>, v1.8.0+), a create that was in flight included.
/// </summary>
internal static class MachineReaper
{
    public static Task<bool> WatchAsync(SmolvmCli smolvm, SmolvmVersion version, ILogger logger)
    {
        var delete = SmolvmCommands.Delete(version, "name");
        return ReaperStart.RunAsync(Engine.EngineSettings.Current, () => Watchdog.WatchSmolvmAsync(smolvm.Executable, smolvm.Environment, BottleNames.SessionId, delete.Take(delete.Count - 2).ToList(), logger), logger);
    }
}
