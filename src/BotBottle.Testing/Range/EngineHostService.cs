using System.Globalization;
using System.Security.Cryptography;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;

namespace BotBottle.Testing.Range;

/// <summary>
/// A TCP service on every address of the engine host (a BusyBox httpd in the host's network namespace): what a
/// bottle must not reach through its network's gateway. It runs where the engine runs, so it stands for the engine
/// host's services whether the engine is local, in a VM (Docker Desktop, colima, OrbStack) or docker-in-docker.
/// </summary>
internal static class EngineHostService
{
    /// <summary>Starts the service on a free port of the engine host (registered on <paramref name="teardown"/>) and returns that port.</summary>
    public static async Task<int> StartAsync(DockerEngine engine, TeardownStack teardown, string image, string name, string owner, CancellationToken cancellationToken) =>
        (await StartServiceAsync(engine, teardown, image, name, owner, cancellationToken).ConfigureAwait(false)).Port;

    /// <summary>
    /// Every IPv4 address the engine host holds but loopback's, read in the host's namespace by the service's container
    /// (the kernel's local routes), and the MAC of <paramref name="bridge"/> there.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Addresses, string BridgeMac)> ReadHostAsync(EngineContainer service, string bridge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var read = await service.ExecAsync(
            ["/bin/sh", "-c", "cat \"/sys/class/net/$0/address\" && awk '/32 host/ { print f } { f = $2 }' /proc/net/fib_trie | sort -u", bridge],
            cancellationToken).ConfigureAwait(false);
        var lines = read.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!read.Succeeded || lines.Length == 0)
        {
            throw new InvalidOperationException($"the engine host's addresses could not be read in {service.Name}: {read.Stderr.Trim()}");
        }

        var addresses = lines.Skip(1).Where(a => System.Net.IPAddress.TryParse(a, out var ip) && !System.Net.IPAddress.IsLoopback(ip)).ToList();
        return (addresses, lines[0]);
    }

    /// <summary>Starts the service (registered on <paramref name="teardown"/>) and returns its port and container.</summary>
    public static async Task<(int Port, EngineContainer Container)> StartServiceAsync(DockerEngine engine, TeardownStack teardown, string image, string name, string owner, CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            // A random high port: the engine host's free ports cannot be asked for; a taken one fails the wait and the next is tried.
            var port = 20000 + RandomNumberGenerator.GetInt32(40000);
            var service = await teardown.CreateContainerAsync(
                "remove host service",
                () => EngineContainer.CreateAsync(engine, new ContainerRequest($"{name}-{attempt}", image, owner, "host-service")
                {
                    Entrypoint = ["busybox", "httpd", "-f", "-p", port.ToString(CultureInfo.InvariantCulture), "-h", "/"],
                    Network = "host",
                }),
                cancellationToken).ConfigureAwait(false);
            try
            {
                await service.StartAsync(cancellationToken).ConfigureAwait(false);
                await service.WaitUntilAsync(EngineContainer.ListeningScript(port), TimeSpan.FromSeconds(15), $"host service {service.Name}", $"listen on {port}", cancellationToken).ConfigureAwait(false);
                return (port, service);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                last = e;
            }
        }

        throw new InvalidOperationException($"no host service could listen on the engine host: {last?.Message}", last);
    }
}
