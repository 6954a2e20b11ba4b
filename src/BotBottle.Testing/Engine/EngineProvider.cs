using System.Collections.Concurrent;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Engine;

/// <summary>
/// One negotiated engine connection per configured endpoint, shared by every bottle, bundle, range and
/// inspector of the process. A failed attempt is not cached, so the next caller tries again.
/// </summary>
internal sealed class EngineProvider
{
    private static readonly ConcurrentDictionary<string, EngineProvider> Shared = new(StringComparer.Ordinal);
    private readonly AsyncOnce<DockerEngine> _engine;

    private EngineProvider(Uri? endpoint) =>
        _engine = new AsyncOnce<DockerEngine>(() => ConnectAsync(endpoint));

    /// <summary>Connects, with no side effect: the reaper is a launch step of its own (<c>Reaping.ReaperStart</c>).</summary>
    private static Task<DockerEngine> ConnectAsync(Uri? endpoint) =>
        DockerEngine.ConnectAsync(EngineDiscovery.Candidates(EngineSettings.Current, endpoint), CancellationToken.None);

    /// <summary>The provider for the user's engine (discovered), or for <paramref name="endpoint"/> when given.</summary>
    public static EngineProvider For(Uri? endpoint = null) => Shared.GetOrAdd(endpoint?.ToString() ?? "", _ => new EngineProvider(endpoint));

    /// <summary>The connected engine.</summary>
    public Task<DockerEngine> GetAsync(CancellationToken cancellationToken) => _engine.GetAsync(cancellationToken);

    /// <summary>Null when the engine answers; otherwise why not, naming every endpoint tried.</summary>
    public async Task<string?> CheckAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await GetAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (EngineUnavailableException ex)
        {
            return ex.Message;
        }
    }
}
