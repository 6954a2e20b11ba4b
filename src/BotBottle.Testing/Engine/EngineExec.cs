using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Engine;

/// <summary>
/// Runs argv in a container through the engine's exec API: output read as bytes (so nothing is lost to
/// decoding until the end), the exit code read back, and cancellation that ends what it started. The engine never
/// kills an exec whose client went away, so every exec runs under a one-line <c>sh</c> parent whose argv carries a
/// unique marker (/proc/*/cmdline is readable for every user, unlike another user's environ); cancelling finds that
/// parent and kills it with every descendant (through the parent pids in /proc/*/stat), whichever user they run
/// as, so a cancelled <c>sleep 300</c> does not keep running in the guest.
/// </summary>
internal static class EngineExec
{
    /// <summary>The parent's name in its argv, just before the marker.</summary>
    private const string ParentName = "bbt-exec";

    private const string Parent = "shift; \"$@\"";

    private const string KillTree =
        "root=; i=0; while [ -z \"$root\" ] && [ $i -lt 10 ]; do " +
        "for p in /proc/[0-9]*; do tr '\\0' '\\n' < \"$p/cmdline\" 2>/dev/null | grep -A1 -x " + ParentName + " | grep -qx \"$1\" && root=${p#/proc/} && break; done; " +
        "[ -n \"$root\" ] || { sleep 0.1; i=$((i+1)); }; done; [ -n \"$root\" ] || exit 0; " +
        "tree() { for s in /proc/[0-9]*/stat; do cat \"$s\" 2>/dev/null; echo; done | awk -v root=\"$1\" '" +
        "NF { pid = $1; sub(/.*\\) /, \"\"); parent[pid] = $2 } " +
        "END { if (!(root in parent)) exit; keep[root] = 1; more = 1; " +
        "while (more) { more = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; more = 1 } } " +
        "for (p in keep) print p }'; }; " +
        "for i in 1 2 3; do pids=$(tree \"$root\"); [ -n \"$pids\" ] || break; kill -KILL $pids 2>/dev/null; sleep 0.1; done";

    /// <summary>Runs <paramref name="argv"/> as <paramref name="user"/> with <paramref name="env"/>; never throws on a non-zero exit.</summary>
    public static async Task<BottleExecResult> RunAsync(IDockerClient client, string containerId, IReadOnlyList<string> argv, string user, IReadOnlyList<string> env, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(argv);
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var marker = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var created = await client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = ["/bin/sh", "-c", Parent, ParentName, marker, .. argv],
            User = user,
            Env = [.. env],
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
            return new BottleExecResult(exit, Decode(stdout), Decode(stderr), clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(client, containerId, marker).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<int> ExitCodeAsync(IDockerClient client, string execId, CancellationToken cancellationToken)
    {
        var inspect = await client.Exec.InspectContainerExecAsync(execId, cancellationToken).ConfigureAwait(false);
        for (var i = 0; inspect.Running && i < 200; i++)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
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
                Cmd = ["/bin/sh", "-c", KillTree, "kill-tree", marker],
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
