namespace BotBottle.Testing.Bundles;

/// <summary>Creates the per-bottle bundle network and starts bundles on it (docker for every backend).</summary>
public interface IBundleHost
{
    /// <summary>Null when bundles can run here; otherwise why not (e.g. "docker engine unreachable at …").</summary>
    Task<string?> CheckAvailableAsync(CancellationToken cancellationToken);

    /// <summary>Creates the private per-bottle network.</summary>
    Task<IBundleNetwork> CreateNetworkAsync(string bottleName, CancellationToken cancellationToken);

    /// <summary>Starts the bundle on <paramref name="network"/> and waits until its proxy answers.</summary>
    Task<IRunningBundle> StartBundleAsync(IBundleNetwork network, BundleSpec spec, string bottleName, CancellationToken cancellationToken);
}

/// <summary>A per-bottle network; disposing removes it.</summary>
public interface IBundleNetwork : IAsyncDisposable
{
    /// <summary>The network's name.</summary>
    string Name { get; }

    /// <summary>The engine's id of the network.</summary>
    string Id { get; }
}

/// <summary>A started bundle; disposing removes it.</summary>
public interface IRunningBundle : IAsyncDisposable
{
    /// <summary>Where the agent reaches it.</summary>
    BundleEndpoint Endpoint { get; }

    /// <summary>The bundle container's id.</summary>
    string ContainerId { get; }

    /// <summary>The bundle's logs so far (for failure reports).</summary>
    Task<string> GetLogsAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="script"/> with <c>/bin/sh -c</c> as root in the bundle (controls, diagnostics).</summary>
    Task<Bottles.ExecResult> ExecAsync(string script, CancellationToken cancellationToken);
}
