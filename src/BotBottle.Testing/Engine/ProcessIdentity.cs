using System.Diagnostics;
using System.Globalization;

namespace BotBottle.Testing.Engine;

/// <summary>
/// Who created a resource, precisely enough to prove it dead: the host name, the kernel boot (Linux's
/// <c>/proc/sys/kernel/random/boot_id</c>), the pid namespace (the inode of <c>/proc/self/ns/pid</c>), the pid and
/// that process's start time (clock ticks since boot on Linux). A pid means something only in its own pid namespace of its own boot: a CI job in a
/// container that shares the host's docker socket, or another machine with the same name on a remote engine, has
/// pids this process cannot see, so only a creator of this very boot and namespace whose pid is gone (or now
/// belongs to a process that started at another time) is dead. Where the kernel has no boot id or pid namespaces
/// (macOS), both are "none" on every side and the host, pid and start time decide.
/// </summary>
internal sealed record ProcessIdentity(string Host, string Boot, string PidNamespace, int Pid, string Started)
{
    /// <summary>This process.</summary>
    public static ProcessIdentity Current { get; } = Read();

    /// <summary>The identity's labels, as <see cref="ResourceLabels"/> writes them.</summary>
    public IEnumerable<KeyValuePair<string, string>> Labels =>
    [
        new(ResourceLabels.Host, Host),
        new(ResourceLabels.Boot, Boot),
        new(ResourceLabels.PidNamespace, PidNamespace),
        new(ResourceLabels.Pid, Pid.ToString(CultureInfo.InvariantCulture)),
        new(ResourceLabels.Started, Started),
    ];

    /// <summary>The creator named by a resource's labels, or null when a label is missing or malformed.</summary>
    public static ProcessIdentity? FromLabels(IDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return labels.TryGetValue(ResourceLabels.Host, out var host)
            && labels.TryGetValue(ResourceLabels.Boot, out var boot)
            && labels.TryGetValue(ResourceLabels.PidNamespace, out var pidNamespace)
            && labels.TryGetValue(ResourceLabels.Pid, out var pidText) && int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && labels.TryGetValue(ResourceLabels.Started, out var started) && started.Length > 0
            ? new ProcessIdentity(host, boot, pidNamespace, pid, started)
            : null;
    }

    /// <summary>
    /// Whether the process this names is provably gone: it ran in this boot and pid namespace of this host, it is
    /// not this process, and its pid is free or held by a process that started at another time. Anything else (another
    /// namespace, another boot, another host, labels an older harness wrote) is left to its own reaper.
    /// </summary>
    public bool IsProvablyDead()
    {
        var here = Current;
        if (Host != here.Host || Boot != here.Boot || PidNamespace != here.PidNamespace || Pid == here.Pid)
        {
            return false;
        }

        return StartedAt(Pid) is not { } started || !SameStart(started, Started);
    }

    private static ProcessIdentity Read() => new(
        Environment.MachineName,
        ReadOrNone(() => File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim()),
        ReadOrNone(() => new FileInfo("/proc/self/ns/pid").LinkTarget ?? string.Empty),
        Environment.ProcessId,
        StartedAt(Environment.ProcessId) ?? "unknown");

    /// <summary>
    /// When process <paramref name="pid"/> started, or null when no such process runs here. On Linux it is the start
    /// time in clock ticks since boot from <c>/proc/PID/stat</c> (<c>ticks:N</c>), exact and immune to the wall clock
    /// stepping (NTP after boot, a VM resumed); elsewhere the start time in Unix milliseconds (<c>ms:N</c>).
    /// </summary>
    private static string? StartedAt(int pid)
    {
        if (File.Exists("/proc/self/stat"))
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return "ticks:" + fields[19];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
            {
                return null;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : "ms:" + new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Ticks must match exactly; milliseconds (from a wall clock) within a second.</summary>
    private static bool SameStart(string seen, string labelled) =>
        seen == labelled
        || (seen.StartsWith("ms:", StringComparison.Ordinal) && labelled.StartsWith("ms:", StringComparison.Ordinal)
            && long.TryParse(seen[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var a)
            && long.TryParse(labelled[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
            && Math.Abs(a - b) <= 1000);

    private static string ReadOrNone(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return "none";
        }
    }
}
