using System.Globalization;
using System.Net;
using BotBottle.Testing.Engine;

namespace BotBottle.Testing.Docker;

/// <summary>
/// Detects CVE-2024-29018's condition on an engine: a version before the fix (23.0.11, 25.0.5, 26.0.0) and a
/// loopback resolver in the resolv.conf of the engine's host namespace, where an affected embedded resolver
/// sends the forwards of containers that have no DNS setting of their own. Read from a short-lived container
/// in the host's network namespace, so it sees what the engine sees (a remote or VM-hosted engine too).
/// </summary>
internal static class DnsExposure
{
    /// <summary>Whether <paramref name="engineVersion"/> (e.g. "20.10.24+dfsg1") predates the fix.</summary>
    public static bool IsAffected(string engineVersion)
    {
        var core = new string(engineVersion.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray()).Trim('.');
        var parts = core.Split('.').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).Concat([0, 0, 0]).ToArray();
        var (major, minor, patch) = (parts[0], parts[1], parts[2]);
        return major switch
        {
            < 23 => major > 0,
            23 => minor == 0 && patch < 11,
            24 => true,
            25 => minor == 0 && patch < 5,
            _ => false,
        };
    }

    /// <summary>The loopback name servers in a resolv.conf.</summary>
    public static IReadOnlyList<string> LoopbackServers(string resolvConf) =>
        resolvConf.Split('\n', StringSplitOptions.TrimEntries)
            .Select(line => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words.Length >= 2 && words[0] == "nameserver" && IPAddress.TryParse(words[1].Split('%')[0], out var address) && IPAddress.IsLoopback(address))
            .Select(words => words[1])
            .ToList();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> Notes = new(StringComparer.Ordinal);

    /// <summary>The prerequisite note for <paramref name="engine"/>, or null when its version is not affected (read once per engine and process).</summary>
    public static async Task<string?> NoteAsync(DockerEngine engine, CancellationToken cancellationToken)
    {
        var key = engine.Endpoint.Uri.ToString();
        if (Notes.TryGetValue(key, out var known))
        {
            return known;
        }

        // Not shared while in flight: a cancelled caller must see its throwaway container removed before it returns.
        var note = await ReadNoteAsync(engine, cancellationToken).ConfigureAwait(false);
        Notes[key] = note;
        return note;
    }

    private static async Task<string?> ReadNoteAsync(DockerEngine engine, CancellationToken cancellationToken)
    {
        if (engine.Product == "podman" || !IsAffected(engine.EngineVersion))
        {
            return null;
        }

        var what = $"Docker Engine {engine.EngineVersion.Split('+')[0]} predates the fix of CVE-2024-29018 (23.0.11, 25.0.5, 26.0.0)";
        const string Mitigation = "the harness gives every agent the bundle's resolver as its only forwarder and every decoy its own loopback, so their lookups stay on the bottle network; a container you add to a bottle network yourself needs a DNS server of its own (--dns) for the same protection";
        string? resolvConf;
        try
        {
            resolvConf = await ReadHostResolvConfAsync(engine, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"{what}; the engine host's resolver could not be read ({e.Message}); {Mitigation}";
        }

        if (resolvConf is null)
        {
            return $"{what}; the engine host's resolver could not be read (no local image to read it with); {Mitigation}";
        }

        var loopback = LoopbackServers(resolvConf);
        return loopback.Count > 0
            ? $"{what} and the engine host's resolver is on loopback ({string.Join(", ", loopback)}): lookups from a container on an internal network with no DNS setting of its own leave through it; {Mitigation}"
            : $"{what}, but the engine host's resolver is not on loopback, so lookups are not forwarded from the host's namespace today; {Mitigation}";
    }

    private static async Task<string?> ReadHostResolvConfAsync(DockerEngine engine, CancellationToken cancellationToken)
    {
        var tags = await EngineImage.TagsAsync(engine, cancellationToken).ConfigureAwait(false);
        var image = new[] { Bottles.ReferenceImageNames.Bundle, Bottles.ReferenceImageNames.Agent }.FirstOrDefault(tags.Contains) ?? (tags.Count > 0 ? tags[0] : null);
        if (image is null)
        {
            return null;
        }

        await Reaping.ReaperStart.WatchDockerAsync(engine, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).ConfigureAwait(false);
        var name = "bbt-" + Bottles.BottleNames.SessionId + "-resolvconf-" + Guid.NewGuid().ToString("N")[..6];
        var container = await EngineContainer.CreateAsync(engine, new ContainerRequest(name, image, name, "prerequisites")
        {
            User = "0",
            Entrypoint = ["/bin/sh", "-c", "sleep 60"],
            Network = "host",
        }).ConfigureAwait(false);
        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            var read = await container.ShellAsync("cat /etc/resolv.conf", cancellationToken).ConfigureAwait(false);
            return read.ExitCode == 0 ? read.Stdout : throw new InvalidOperationException($"cat /etc/resolv.conf in {image} exited {read.ExitCode}");
        }
        finally
        {
            await container.RemoveAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
