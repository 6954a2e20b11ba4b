namespace BotBottle.Testing.Probes;

/// <summary>Factories for probe actions, run inside a bottle with <see cref="BottleIsolationExtensions.Probe"/>.</summary>
/// <example><code>await bottle.Probe(Probe.Tcp("127.0.0.1", 9)).ShouldBeRefused(ct);</code></example>
public static class Probe
{
    /// <summary>A TCP dial.</summary>
    public static StepAction Tcp(string host, int port) => new TcpDial(host, port);

    /// <summary>An HTTP GET of <c>http://host/</c> through a proxy.</summary>
    public static StepAction HttpViaProxy(string proxyHost, int proxyPort, string host) => new HttpViaProxy(proxyHost, proxyPort, host);

    /// <summary>An HTTP CONNECT through a proxy.</summary>
    public static StepAction Connect(string proxyHost, int proxyPort, string host, int port) => new ConnectViaProxy(proxyHost, proxyPort, host, port);

    /// <summary>A name lookup.</summary>
    public static StepAction Resolve(string name) => new NameLookup(name);
}
