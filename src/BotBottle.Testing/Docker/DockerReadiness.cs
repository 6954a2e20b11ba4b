using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Docker;

/// <summary>
/// Waits until a started container passes an in-container check (an exec exiting 0), failing at once
/// with its logs when it stops, or after the timeout with the last check's errors and the logs.
/// </summary>
internal static class DockerReadiness
{
    /// <summary>A check that passes when every port LISTENs (read from /proc/net/tcp, so any image with sh and grep works).</summary>
    public static string ListeningScript(params int[] ports) =>
        string.Join(" && ", ports.Select(p => $"grep -q ':{p.ToString("X4", CultureInfo.InvariantCulture)} [0-9A-F]*:0000 0A' /proc/net/tcp /proc/net/tcp6"));

    /// <param name="client">The engine.</param>
    /// <param name="id">The container.</param>
    /// <param name="check">A <c>/bin/sh -c</c> script that exits 0 once the container is ready.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="what">The container in messages ("bundle", "agent").</param>
    /// <param name="goal">What readiness means, after "did not" ("listen on port 3128").</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task WaitAsync(IDockerClient client, string id, string check, TimeSpan timeout, string what, string goal, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var state = await client.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
            if (state.State?.Running != true)
            {
                throw new InvalidOperationException($"{what} exited with {state.State?.ExitCode} before it could {goal}: {await DockerLogs.ReadAsync(client, id, cancellationToken).ConfigureAwait(false)}");
            }

            var probe = await DockerExec.RunAsync(client, id, ["/bin/sh", "-c", check], cancellationToken).ConfigureAwait(false);
            if (probe.ExitCode == 0)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{what} did not {goal} within {timeout.TotalSeconds:0} s (last check: exit {probe.ExitCode} {probe.Stderr.Trim()}): {await DockerLogs.ReadAsync(client, id, cancellationToken).ConfigureAwait(false)}");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The container's endpoint on <paramref name="network"/>, or null when it has no address there.</summary>
    public static EndpointSettings? EndpointOn(ContainerInspectResponse inspect, string network) =>
        inspect.NetworkSettings?.Networks is { } networks && networks.TryGetValue(network, out var endpoint) && !string.IsNullOrEmpty(endpoint.IPAddress)
            ? endpoint
            : null;
}
