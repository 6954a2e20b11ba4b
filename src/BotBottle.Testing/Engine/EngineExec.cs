using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using BotBottle.Testing.Bottles;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Engine;

/// <summary>
/// Runs argv in a container through the engine's exec API: output read as bytes (so nothing is lost to
/// decoding until the end), the exit code read back, and cancellation that ends what it started. Every
/// exec carries a unique <c>BBT_EXEC</c> marker in its environment, which its children inherit; cancelling
/// kills every process in the container that carries the marker, so a cancelled <c>sleep 300</c> does not
/// keep running in the guest (the engine itself never kills an exec whose client went away).
/// </summary>
internal static class EngineExec
{
    /// <summary>The environment variable that marks an exec's processes.</summary>
    public const string Marker = "BBT_EXEC";

    private const string KillMarked =
        "i=0; while [ $i -lt 5 ]; do found=; for p in /proc/[0-9]*; do " +
        "if tr '\\0' '\\n' < \"$p/environ\" 2>/dev/null | grep -qx \"" + Marker + "=$1\"; then kill -KILL \"${p#/proc/}\" 2>/dev/null && found=1; fi; " +
        "done; [ -n \"$found\" ] || exit 0; i=$((i+1)); done";

    /// <summary>Runs <paramref name="argv"/> as <paramref name="user"/> with <paramref name="env"/>; never throws on a non-zero exit.</summary>
    public static async Task<ExecResult> RunAsync(IDockerClient client, string containerId, IReadOnlyList<string> argv, string user, IReadOnlyList<string> env, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(argv);
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var marker = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var created = await client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = argv.ToList(),
            User = user,
            Env = [.. env, Marker + "=" + marker],
            AttachStdout = true,
            AttachStderr = true,
            AttachStdin = false,
            TTY = false,
        }, CancellationToken.None).ConfigureAwait(false);

        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        try
        {
            using var stream = await client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters { Detach = false, TTY = false }, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[81920];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Write(buffer, 0, read.Count);
            }

            var exit = await ExitCodeAsync(client, created.ID, cancellationToken).ConfigureAwait(false);
            return new ExecResult(exit, Decode(stdout), Decode(stderr), clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(client, containerId, marker).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts <paramref name="argv"/> in the background (a detached exec) and returns at once.</summary>
    public static async Task StartDetachedAsync(IDockerClient client, string containerId, IReadOnlyList<string> argv, string user, CancellationToken cancellationToken)
    {
        var created = await client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters { Cmd = argv.ToList(), User = user, AttachStdout = false, AttachStderr = false }, cancellationToken).ConfigureAwait(false);
        using var stream = await client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters { Detach = true }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ExitCodeAsync(IDockerClient client, string execId, CancellationToken cancellationToken)
    {
        var inspect = await client.Exec.InspectContainerExecAsync(execId, cancellationToken).ConfigureAwait(false);
        for (var i = 0; inspect.Running && i < 50; i++)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            inspect = await client.Exec.InspectContainerExecAsync(execId, cancellationToken).ConfigureAwait(false);
        }

        return (int)(inspect.ExitCode ?? -1);
    }

    private static async Task KillAsync(IDockerClient client, string containerId, string marker)
    {
        // Not cancellable: the caller's token has already fired, and this is the cleanup of what it started.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var kill = await client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
            {
                Cmd = ["/bin/sh", "-c", KillMarked, "kill-marked", marker],
                User = "0",
                AttachStdout = true,
                AttachStderr = true,
            }, limit.Token).ConfigureAwait(false);
            using var stream = await client.Exec.StartContainerExecAsync(kill.ID, new ContainerExecStartParameters(), limit.Token).ConfigureAwait(false);
            await stream.ReadOutputToEndAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or IOException)
        {
            // The container is gone or stopping: so is everything that ran in it.
        }
    }

    private static string Decode(MemoryStream stream) => Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
}
