namespace BotBottle.Testing.Bottles;

/// <summary>The bundle sidecar a bottle's agent talks to.</summary>
/// <param name="Image">The bundle image.</param>
/// <param name="ProxyPort">The agent-facing proxy port on the bundle's address.</param>
internal sealed record BundleSpec(string Image, int ProxyPort = BundleSpec.DefaultProxyPort)
{
    /// <summary>The proxy port of the reference bundle.</summary>
    public const int DefaultProxyPort = 3128;

    /// <summary>Daemons to start in the bundle (the bundle image decides what the names mean); empty = the image's default set.</summary>
    public IReadOnlyList<string> Daemons { get; init; } = [];

    /// <summary>Hosts the proxy allows (the bundle image decides the format).</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Extra env for the bundle container (e.g. upstream addresses a test made).</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>Names the bundle resolves from its hosts file (<c>name:address</c>), e.g. a test's rebinding decoys.</summary>
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];

    /// <summary>Networks (made by the caller) the bundle also joins, e.g. a test's decoy "upstream".</summary>
    public IReadOnlyList<string> UpstreamNetworks { get; init; } = [];
}
