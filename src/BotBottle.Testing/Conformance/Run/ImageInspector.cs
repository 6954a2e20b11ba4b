using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Conformance.Run;

/// <summary>
/// The agent image as shipped: a labelled throwaway container with no network, PID 1 a sleeping shell
/// (the image's own entrypoint does not run), execs through the engine's own user switch. Removed on dispose.
/// </summary>
internal sealed class ImageInspector : IAsyncDisposable
{
    private readonly TeardownStack _teardown;
    private readonly EngineContainer _container;

    private ImageInspector(EngineContainer container, TeardownStack teardown)
    {
        _container = container;
        _teardown = teardown;
    }

    public static async Task<ImageInspector> StartAsync(string image, Uri? endpoint, CancellationToken cancellationToken)
    {
        var engine = await EngineProvider.For(endpoint).GetAsync(cancellationToken).ConfigureAwait(false);
        await Images.EngineImages.RequireAsync(engine, [image], cancellationToken).ConfigureAwait(false);
        var name = BottleNames.NewBottleName() + "-image";
        var teardown = new TeardownStack(NullLogger.Instance);
        try
        {
            var container = await teardown.CreateContainerAsync(
                "remove image inspector",
                () => EngineContainer.CreateAsync(engine, new ContainerRequest(name, image, name, "conformance-image")
                {
                    User = "0",
                    Entrypoint = ["/bin/sh", "-c", "while :; do sleep 3600; done"],
                    Network = "none",
                    NoNewPrivileges = false,
                }),
                cancellationToken).ConfigureAwait(false);
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            return new ImageInspector(container, teardown);
        }
        catch
        {
            await teardown.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<BottleExecResult> ExecAsync(string script, string user, CancellationToken cancellationToken) =>
        _container.ExecAsync(["/bin/sh", "-c", script], user, ["HOME=" + GuestUsers.HomeOf(user), "USER=" + user], cancellationToken);

    public ValueTask DisposeAsync() => _teardown.DisposeAsync();
}
