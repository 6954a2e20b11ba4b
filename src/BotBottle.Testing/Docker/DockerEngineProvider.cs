using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Docker;

/// <summary>
/// One negotiated engine connection per endpoint, shared by every bottle of the process; a failed
/// connection attempt is not cached, so a later call tries again.
/// </summary>
public sealed class DockerEngineProvider
{
    private readonly AsyncOnce<DockerEngine> _engine;

    /// <summary>A provider for <paramref name="endpoint"/> (null: DOCKER_HOST or the default socket).</summary>
    public DockerEngineProvider(Uri? endpoint = null) =>
        _engine = new AsyncOnce<DockerEngine>(() => DockerEngine.ConnectAsync(endpoint, CancellationToken.None));

    /// <summary>The shared provider for the default endpoint.</summary>
    public static DockerEngineProvider Default { get; } = new();

    /// <summary>The connected engine.</summary>
    public Task<DockerEngine> GetAsync(CancellationToken cancellationToken) => _engine.GetAsync(cancellationToken);

    /// <summary>Null when the engine answers; otherwise why not.</summary>
    public async Task<string?> CheckAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await GetAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (DockerUnavailableException ex)
        {
            return ex.Message;
        }
    }
}
