using System.Globalization;
using System.Net;
using BotBottle.Testing.Observers;
using BotBottle.Testing.Engine;

namespace BotBottle.Testing.Docker;

/// <summary>The agent observer's records (version 2, see <c>agent-observer.sh</c>) and the engine's inspect, as <see cref="AgentFacts"/>.</summary>
internal static class ObserverRecords
{
    private const string Header = "bbt-observer";

    /// <summary>The records of a finished observer, or none and why: a missing header, version or end line makes the facts incomplete.</summary>
    public static (IReadOnlyList<string[]> Records, string? Problem) Parse(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split('\t')).ToList();
        if (lines.Count == 0 || lines[0] is not [Header, "2"])
        {
            return ([], "the observer printed no version 2 header");
        }

        if (lines[^1] is not ["end"])
        {
            return ([], "the observer ended before its last record");
        }

        // A record of no known shape (a file or socket name with a tab or a newline in it, say) fails closed.
        var records = lines.Skip(1).SkipLast(1).ToList();
        if (records.FirstOrDefault(r => r is not (["init", _, _] or ["user", _] or ["setuid", _, _] or ["inet", _, _] or ["root", _, _, _, _] or ["exec", _, _] or ["carried", _, _, _] or ["writable", _, _, _, _] or ["unix", _, _, _, _])) is { } odd)
        {
            return ([], $"the observer printed a record of no known shape ({odd.Length} fields, '{odd[0]}'): a name with a tab or a newline in it?");
        }

        return (records, null);
    }

    public static AgentFacts ToFacts(ContainerDetails inspect, IReadOnlyList<Facts.EnvEntry> environment, IReadOnlyList<string[]> records, string? problem, string source)
    {
        ArgumentNullException.ThrowIfNull(inspect);
        var host = inspect.Security;
        int? uid = records.FirstOrDefault(r => r is ["user", _]) is [_, var id] && int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        var mounts = inspect.Mounts.ToList();
        var setuid = records.Where(r => r is ["setuid", _, _]).Select(r => $"{r[1]} {r[2]}").ToList();
        var listeners = records.Select(r => ReachableListener(r, uid)).OfType<string>().ToList();
        var root = records.Where(r => r is ["root", _, _, _, _]).Select(r => $"pid {r[1]} ({r[2]}), uids {r[3]}, capabilities {r[4]}").ToList();
        var execs = records.Where(r => r is ["exec", _, _]).Select(r => $"pid {r[1]} ({r[2]})").ToList();
        var carried = records.Where(r => r is ["carried", _, _, _]).Select(r => $"pid {r[1]} ({r[2]}) holds {r[3]}");
        var writable = records.Where(r => r is ["writable", _, _, _, _]).Select(r => $"{r[1]} (owner {r[2]}, group {r[3]}, mode {r[4]}) is the agent user's to write, on the way of the harness's root commands");
        return new AgentFacts(
            source,
            records.FirstOrDefault(r => r is ["init", _, _]) is [_, var initUid, var initName] ? $"{initName}, uid {initUid}" : null,
            uid,
            host.SecurityOpt.Any(o => o is "no-new-privileges" or "no-new-privileges:true" or "no-new-privileges=true") == true,
            host.Privileged,
            host.CapAdd.ToList(),
            host.CapDrop.ToList(),
            mounts,
            environment,
            setuid,
            listeners,
            root,
            [.. carried, .. writable],
            execs,
            new AgentContainerLimits(host?.PidsLimit is > 0 ? host.PidsLimit : null, host?.MemoryBytes is > 0 ? host.MemoryBytes : null, host?.NanoCpus is > 0 ? host.NanoCpus : null, AgentHardening.Kept),
            problem is null,
            problem);
    }

    /// <summary>
    /// A root socket the agent user (<paramref name="uid"/>, in its own group of the same id) can connect to, as a line
    /// ("tcp 127.0.0.1:7000", "unix /run/x.sock (owner 0, group 0, mode 666)"), or null: every socket listening in the
    /// agent's network namespace is reachable from it, an abstract unix socket too, a unix socket file where its mode
    /// lets the user write it.
    /// </summary>
    private static string? ReachableListener(string[] record, int? uid) => record switch
    {
        ["inet", var proto, var address] => $"{proto} {Endpoint(proto, address)}",
        ["unix", var path, "-", "-", "-"] => $"unix {path} (abstract: anyone in the network namespace can connect)",
        ["unix", var path, var owner, var group, var mode] when Writable(owner, group, mode, uid) => $"unix {path} (owner {owner}, group {group}, mode {mode})",
        _ => null,
    };

    private static bool Writable(string owner, string group, string mode, int? uid)
    {
        var bits = Convert.ToInt32(mode, 8); // o+w 0x002, u+w 0x080, g+w 0x010
        var self = uid?.ToString(CultureInfo.InvariantCulture);
        return (bits & 0x002) != 0 || (owner == self && (bits & 0x080) != 0) || (group == self && (bits & 0x010) != 0);
    }

    /// <summary>/proc/net's hex address:port (each 32-bit word in host order, little-endian) as text.</summary>
    internal static string Endpoint(string proto, string hex)
    {
        var colon = hex.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return hex;
        }

        var port = int.Parse(hex[(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var words = hex[..colon];
        var bytes = new byte[words.Length / 2];
        for (var word = 0; word < words.Length / 8; word++)
        {
            var value = uint.Parse(words.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            BitConverter.TryWriteBytes(bytes.AsSpan(word * 4, 4), value);
            if (!BitConverter.IsLittleEndian)
            {
                Array.Reverse(bytes, word * 4, 4);
            }
        }

        var address = new IPAddress(bytes);
        var text = proto.EndsWith('6') ? $"[{address}]" : address.ToString();
        return text + ":" + port.ToString(CultureInfo.InvariantCulture);
    }
}
