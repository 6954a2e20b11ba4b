using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;
using Microsoft.Extensions.Logging.Abstractions;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Conformance.Run;

/// <summary>
/// The agent image as shipped: a labelled throwaway container with no network, PID 1 a sleeping shell
/// (the image's own entrypoint does not run), execs through the engine's own user switch; and, when asked for, a
/// second container of the image that is created and never started, whose files the engine reads
/// (<see cref="Files"/>: no program of the image has run in it). Both are removed on dispose.
/// </summary>
internal sealed class ImageInspector : IAsyncDisposable
{
    private readonly TeardownStack _teardown;
    private readonly EngineContainer _container;

    private ImageInspector(EngineContainer container, EngineContainer? files, TeardownStack teardown)
    {
        _container = container;
        Files = files;
        _teardown = teardown;
    }

    /// <summary>A never-started container of the image (null unless asked for).</summary>
    public EngineContainer? Files { get; }

    /// <summary>The started container's id (a check's evidence can name where it ran).</summary>
    public string ContainerId => _container.Id;

    /// <summary>Starts the inspector; with <paramref name="withFiles"/>, creates the never-started container beside it.</summary>
    public static async Task<ImageInspector> StartAsync(string image, Uri? endpoint, CancellationToken cancellationToken, bool withFiles = false)
    {
        var engine = await EngineProvider.For(endpoint).GetAsync(cancellationToken).ConfigureAwait(false);
        await Images.EngineImages.RequireAsync(engine, [image], cancellationToken).ConfigureAwait(false);
        await Reaping.ReaperStart.WatchDockerAsync(engine, NullLogger.Instance).ConfigureAwait(false);
        var name = BottleNames.NewBottleName() + "-image";
        var teardown = new TeardownStack(NullLogger.Instance);
        try
        {
            var container = await teardown.CreateContainerAsync(
                "remove image inspector",
                () => EngineContainer.CreateAsync(engine, new ContainerRequest(name, image, name, "conformance-image")
                {
                    User = "0",
                    Entrypoint = Guest.GuestCommand.KeepAlive,
                    Network = "none",
                    NoNewPrivileges = false,
                }),
                cancellationToken).ConfigureAwait(false);
            var started = container.StartAsync(cancellationToken);
            var files = withFiles
                ? await teardown.CreateContainerAsync(
                    "remove image files container",
                    () => EngineContainer.CreateAsync(engine, new ContainerRequest(name + "-files", image, name, "conformance-image-files")
                    {
                        Entrypoint = ["/never-started"],
                        Network = "none",
                    }),
                    cancellationToken).ConfigureAwait(false)
                : null;
            await started.ConfigureAwait(false);
            return new ImageInspector(container, files, teardown);
        }
        catch
        {
            await teardown.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs one script as <paramref name="user"/> in an inspector of its own, removed afterwards: where a bottle-stage
    /// check runs image code as root, so it never runs in the probed bottle and leaves nothing for another check.
    /// </summary>
    public static async Task<BottleExecResult> RunOnceAsync(string image, Uri? endpoint, string script, string user, CancellationToken cancellationToken)
    {
        var inspector = await StartAsync(image, endpoint, cancellationToken).ConfigureAwait(false);
        await using (inspector.ConfigureAwait(false))
        {
            return await inspector.ExecAsync(script, user, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<BottleExecResult> ExecAsync(string script, string user, CancellationToken cancellationToken) =>
        _container.ExecAsync(["/bin/sh", "-c", script], user, ["HOME=" + GuestUsers.HomeOf(user), "USER=" + user], cancellationToken);

    public ValueTask DisposeAsync() => _teardown.DisposeAsync();
}
