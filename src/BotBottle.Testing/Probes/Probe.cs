namespace BotBottle.Testing.Probes;

/// <summary>Factories for probe actions.</summary>
public static class Probe
{
    /// <summary>A TCP dial.</summary>
    public static TcpDial Tcp(string host, int port) => new(host, port);

    /// <summary>An HTTP GET of <c>http://host/</c> through a proxy.</summary>
    public static HttpViaProxy HttpViaProxy(string proxyHost, int proxyPort, string host) => new(proxyHost, proxyPort, host);

    /// <summary>An HTTP CONNECT through a proxy.</summary>
    public static ConnectViaProxy Connect(string proxyHost, int proxyPort, string host, int port) => new(proxyHost, proxyPort, host, port);

    /// <summary>A name lookup.</summary>
    public static NameLookup Resolve(string name) => new(name);
}
