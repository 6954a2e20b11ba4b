using System.Security.Cryptography;
using System.Text;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Reaping;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// Puts every machine on the reaper's list before smolvm creates it, so a test host that dies at any point after
/// (mid-create included) has its machines deleted by the watchdog, with the same smolvm and environment.
/// </summary>
internal static class MachineReaper
{
    public static async Task RegisterAsync(SmolvmCli smolvm, SmolvmVersion version, string machine, ILogger logger)
    {
        var list = ListFor(smolvm);
        Directory.CreateDirectory(Path.GetDirectoryName(list)!);
        var delete = SmolvmCommands.Delete(version, machine);
        await Watchdog.WatchSmolvmAsync(smolvm.Executable, smolvm.Environment, list, delete.Take(delete.Count - 2).ToList(), logger).ConfigureAwait(false);
        await File.AppendAllTextAsync(list, machine + "\n", CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>This process's list for one smolvm (executable and environment: the emulator keeps its state per environment).</summary>
    public static string ListFor(SmolvmCli smolvm)
    {
        var identity = smolvm.Executable + "\n" + string.Join("\n", smolvm.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + e.Value));
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..12].ToLowerInvariant();
        return Path.Combine(Path.GetTempPath(), "botbottle-reaper", $"{BottleNames.SessionId}-{Environment.ProcessId}-{hash}.machines");
    }
}
