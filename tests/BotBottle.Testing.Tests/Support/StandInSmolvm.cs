using System.Text;
using BotBottle.Testing.Smolmachines;

namespace BotBottle.Testing.Tests.Support;

/// <summary>
/// A recording stand-in for smolvm on a private PATH (never a VM): every call's argv is recorded in
/// order, answers come from rules. The same journal also records the fake bundle host's steps.
/// </summary>
public sealed class StandInSmolvm : IDisposable
{
    public StandInSmolvm(string version = "1.9.3")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("bbt-standin-").FullName;
        var bin = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "bin")).FullName;
        var script = Path.Combine(bin, "smolvm");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Smolmachines", "StandIn", "smolvm"), script);
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        Options = new SmolmachinesOptions
        {
            SearchPath = bin + Path.PathSeparator + "/usr/bin:/bin",
            Environment = new Dictionary<string, string?> { ["SMOLVM_STANDIN_DIR"] = Directory, ["SMOLVM_STANDIN_VERSION"] = version },
            PackCacheDirectory = Path.Combine(Directory, "packs"),
            PtyBridgeCommand = ["/opt/botbottle/botbottle-pty-bridge"],
            ReadyTimeout = TimeSpan.FromSeconds(2),
            ReadyPollInterval = TimeSpan.FromMilliseconds(50),
            RetrySettle = TimeSpan.FromMilliseconds(10),
            Platform = new HostPlatform(IsDarwin: true, IsLinux: false),
        };
        ExecutablePath = script;
    }

    public string Directory { get; }

    public string ExecutablePath { get; }

    public SmolmachinesOptions Options { get; }

    /// <summary>Answers calls whose space-joined argv matches <paramref name="glob"/> (times 0 = always).</summary>
    public StandInSmolvm On(string glob, int exitCode, string stdout = "", string stderr = "", int times = 0)
    {
        File.AppendAllText(Path.Combine(Directory, "rules"), $"{glob}\u001f{exitCode}\u001f{times}\u001f{Escape(stdout)}\u001f{Escape(stderr)}\n");
        return this;
    }

    /// <summary>Adds a journal entry from the test side (used by the fake bundle host).</summary>
    public void Record(params string[] entry)
    {
        using var gate = new FileStream(Path.Combine(Directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        var countFile = Path.Combine(Directory, "count");
        var n = (File.Exists(countFile) ? int.Parse(File.ReadAllText(countFile).Trim(), System.Globalization.CultureInfo.InvariantCulture) : 0) + 1;
        File.WriteAllText(countFile, n.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        File.WriteAllText(Path.Combine(Directory, $"call.{n}"), string.Concat(entry.Select(e => e + "\0")));
    }

    /// <summary>Every call so far, in order, as argv.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Calls()
    {
        var countFile = Path.Combine(Directory, "count");
        if (!File.Exists(countFile))
        {
            return [];
        }

        var count = int.Parse(File.ReadAllText(countFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return Enumerable.Range(1, count)
            .Select(i => (IReadOnlyList<string>)File.ReadAllText(Path.Combine(Directory, $"call.{i}"), Encoding.UTF8).Split('\0')[..^1])
            .ToList();
    }

    /// <summary>Calls as short step names: the first two argv words ("machine create"), or the journal entry.</summary>
    public IReadOnlyList<string> Steps() => Calls().Select(c => c[0] == "--version" ? "--version" : string.Join(' ', c.Take(2))).ToList();

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}
