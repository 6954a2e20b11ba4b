using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BotBottle.Testing.SmolvmEmulator;

/// <summary>What smolvm records about a machine (its VmRecord), as the emulator keeps it.</summary>
internal sealed record Machine
{
    public required string Name { get; init; }

    public string State { get; set; } = "created";

    /// <summary>The image the guest runs: a local image id for an archive, or a registry reference.</summary>
    public string? Image { get; init; }

    /// <summary>The image as smolvm records it: <c>local:&lt;sha256 of the archive&gt;</c> for a local archive, else the reference.</summary>
    public string? Reference { get; init; }

    /// <summary>Whether the image came from a local archive (<c>-I file.tar</c> or <c>-I -</c>), so no pull is needed.</summary>
    public bool LocalImage { get; init; }

    /// <summary>The image's USER (exec runs as it from 1.6.0).</summary>
    public string ImageUser { get; init; } = "";

    public List<string> Env { get; init; } = [];

    public List<string> Command { get; init; } = [];

    public string? Workdir { get; init; }

    public List<string[]> MountSockets { get; init; } = [];

    public List<string> Volumes { get; init; } = [];

    public SortedDictionary<string, string> Labels { get; init; } = new(StringComparer.Ordinal);

    public int Cpus { get; init; } = 4;

    public long MemoryMib { get; init; } = 8192;

    /// <summary>Whether the machine has a network (<c>--net</c>, an egress policy, a named network or a published port).</summary>
    public bool Network { get; init; }

    /// <summary>How many ports it publishes (<c>-p</c>).</summary>
    public int Ports { get; init; }

    public long CreatedAt { get; init; }

    public int? Pid { get; set; }

    public required string Container { get; init; }
}

/// <summary>
/// The machine records, one JSON file each under smolvm's data directory (<c>$XDG_DATA_HOME/smolvm</c> on Linux,
/// as the real CLI keeps its database there), and a lock that serialises changes across processes.
/// </summary>
internal sealed class MachineStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public MachineStore()
        : this(Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"))
    {
    }

    /// <param name="dataHome">The data directory smolvm would read from <c>XDG_DATA_HOME</c>.</param>
    public MachineStore(string dataHome)
    {
        Root = Path.Combine(dataHome, "smolvm", "emulator");
        Directory.CreateDirectory(Path.Combine(Root, "machines"));
        Directory.CreateDirectory(Path.Combine(Root, "slots"));
    }

    /// <summary>The guest agent's connection limit.</summary>
    public const int ConnectionSlots = 8;

    public string Root { get; }

    /// <summary>The guest container's name: unique per state directory and machine.</summary>
    public string ContainerFor(string name) =>
        "smolvm-emu-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Root + "\0" + name))).ToLowerInvariant()[..16];

    public Machine? Get(string name)
    {
        var file = FileOf(name);
        return File.Exists(file) ? JsonSerializer.Deserialize<Machine>(File.ReadAllText(file), Json) : null;
    }

    public IReadOnlyList<Machine> All() =>
        Directory.EnumerateFiles(Path.Combine(Root, "machines"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonSerializer.Deserialize<Machine>(File.ReadAllText(f), Json)!).ToList();

    public void Save(Machine machine)
    {
        var file = FileOf(machine.Name);
        var partial = file + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(partial, JsonSerializer.Serialize(machine, Json));
        File.Move(partial, file, overwrite: true);
    }

    public void Delete(string name) => File.Delete(FileOf(name));

    /// <summary>Holds the store's lock (create and delete reserve names across processes).</summary>
    public IDisposable Lock()
    {
        var path = Path.Combine(Root, "lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>
    /// One of the machine agent's connection slots: smolvm's guest agent serves at most eight connections at once
    /// (<c>MAX_CONCURRENT_CONNECTIONS = 8</c>, crates/smolvm-agent/src/main.rs), and a ninth waits for a free one:
    /// without a limit for as long as it takes, or null when none is free within <paramref name="timeout"/>.
    /// </summary>
    public IDisposable? AcquireSlot(string name, TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            for (var slot = 0; slot < ConnectionSlots; slot++)
            {
                if (TryHold(name, slot) is { } held)
                {
                    return held;
                }
            }

            if (timeout is { } limit && clock.Elapsed >= limit)
            {
                return null;
            }

            Thread.Sleep(25);
        }
    }

    /// <summary>How many of the machine's connection slots are held now (a free one is held for an instant while it is counted).</summary>
    public int HeldSlots(string name) => Enumerable.Range(0, ConnectionSlots).Count(slot =>
    {
        using var free = TryHold(name, slot);
        return free is null;
    });

    private FileStream? TryHold(string name, int slot)
    {
        try
        {
            return new FileStream(Path.Combine(Root, "slots", $"{Safe(name)}.{slot}"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private string FileOf(string name) => Path.Combine(Root, "machines", Safe(name) + ".json");

    private static string Safe(string name) => Convert.ToHexString(Encoding.UTF8.GetBytes(name)).ToLowerInvariant();
}
