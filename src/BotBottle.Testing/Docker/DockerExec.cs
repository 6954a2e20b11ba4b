using System.Diagnostics;
using BotBottle.Testing.Bottles;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Docker;

/// <summary>Runs argv in a container through the engine API (no <c>docker</c> process per call).</summary>
public static class DockerExec
{
    /// <summary>Runs <paramref name="argv"/> as root in the container and returns exit code and output.</summary>
    public static Task<ExecResult> RunAsync(IDockerClient client, string containerId, IReadOnlyList<string> argv, CancellationToken cancellationToken) =>
        RunAsync(client, containerId, argv, "0", [], cancellationToken);

    /// <summary>
    /// Runs <paramref name="argv"/> as <paramref name="user"/> through the engine's own user switch
    /// (for images that are inspected as shipped, without the bottle's <c>runuser</c>), with <paramref name="env"/>.
    /// </summary>
    public static async Task<ExecResult> RunAsync(IDockerClient client, string containerId, IReadOnlyList<string> argv, string user, IReadOnlyList<string> env, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(argv);
        var clock = Stopwatch.StartNew();
        var created = await client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = argv.ToList(),
            User = user,
            Env = env.ToList(),
            AttachStdout = true,
            AttachStderr = true,
            AttachStdin = false,
            TTY = false,
        }, cancellationToken).ConfigureAwait(false);

        string stdout, stderr;
        using (var stream = await client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters { Detach = false, TTY = false }, cancellationToken).ConfigureAwait(false))
        {
            (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var inspect = await client.Exec.InspectContainerExecAsync(created.ID, cancellationToken).ConfigureAwait(false);
        for (var i = 0; inspect.Running == true && i < 50; i++)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            inspect = await client.Exec.InspectContainerExecAsync(created.ID, cancellationToken).ConfigureAwait(false);
        }

        return new ExecResult((int)(inspect.ExitCode ?? -1), stdout, stderr, clock.Elapsed);
    }
}
