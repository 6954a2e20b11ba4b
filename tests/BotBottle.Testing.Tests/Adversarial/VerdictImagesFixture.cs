using BotBottle.Testing.Probes;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Adversarial;

/// <summary>
/// The hostile images of the verdict tests (Adversarial/*.Dockerfile, built offline from the reference images) and
/// one bottle per case on one probe range: lying tools with a leaky bundle, the reference agent with the leaky bundle
/// (for tampering), a root service on a socket and one on a FIFO, a setpriv that ignores the user switch, a process that kept root's /etc/passwd open when it dropped, a PATH directory of node's, an env that hands root commands node's paths, a HEALTHCHECK, set-uid-root shells, the reference agent with a bundle whose proxy policy is the
/// old one (ports on CONNECT only, no outbound policy), the reference bottle with IPv6 left on at its bridge. The images
/// are removed afterwards.
/// </summary>
public sealed class VerdictImagesFixture : IAsyncLifetime
{
    public const string LyingTools = "lying-tools";
    public const string TamperedLeaky = "tampered-leaky";
    public const string RootService = "root-service";
    public const string RootFifoService = "root-fifo-service";
    public const string SetprivIgnoresUser = "setpriv-ignores-user";
    public const string CarriedDescriptor = "carried-descriptor";
    public const string WritableRootPath = "writable-root-path";
    public const string ExecEnv = "exec-env";
    public const string RootHealthcheck = "root-healthcheck";
    public const string SetuidShell = "setuid-shell";
    public const string WeakPolicy = "weak-policy";
    public const string Ipv6Open = "ipv6-open";
    public const string NetRaw = "net-raw";

    private static readonly string[] Built = ["lying-tools", "root-service", "root-fifo-service", "setpriv-ignores-user", "carried-descriptor", "writable-root-path", "exec-env", "root-healthcheck", "setuid-shell", "leaky-bundle", "weak-policy-bundle"];
    private readonly RangeBottles _bottles = new();
    private readonly List<string> _images = [];

    public static string ImageFor(string name) => (name.EndsWith("-bundle", StringComparison.Ordinal) ? "botbottle/bundle-hostile:" : "botbottle/agent-hostile:") + name;

    public ValueTask InitializeAsync()
    {
        var leaky = ImageFor("leaky-bundle");
        var cases = new Dictionary<string, (string Agent, string Bundle)>(StringComparer.Ordinal)
        {
            [LyingTools] = (ImageFor(LyingTools), leaky),
            [TamperedLeaky] = (TestImages.Agent, leaky),
            [RootService] = (ImageFor(RootService), TestImages.Bundle),
            [RootFifoService] = (ImageFor(RootFifoService), TestImages.Bundle),
            [SetprivIgnoresUser] = (ImageFor(SetprivIgnoresUser), TestImages.Bundle),
            [CarriedDescriptor] = (ImageFor(CarriedDescriptor), TestImages.Bundle),
            [WritableRootPath] = (ImageFor(WritableRootPath), TestImages.Bundle),
            [ExecEnv] = (ImageFor(ExecEnv), TestImages.Bundle),
            [RootHealthcheck] = (ImageFor(RootHealthcheck), TestImages.Bundle),
            [SetuidShell] = (ImageFor(SetuidShell), TestImages.Bundle),
            [WeakPolicy] = (TestImages.Agent, ImageFor("weak-policy-bundle")),
            [Ipv6Open] = (TestImages.Agent, TestImages.Bundle),
            [NetRaw] = (TestImages.Agent, TestImages.Bundle),
        };
        var specs = cases.ToDictionary(c => c.Key, c => new BottleSpec(c.Value.Agent, TestImages.Spec.Bundle with { Image = c.Value.Bundle }));
        return new(_bottles.LaunchAsync(specs, TestContext.Current.CancellationToken, BuildAsync, Weaken));
    }

    private static IDisposable? Weaken(string name) => name switch
    {
        Ipv6Open => BotBottle.Testing.Witness.Docker.BridgeWitness.OpenIpv6ForTest(),
        NetRaw => BotBottle.Testing.Docker.AgentHardening.GrantForTest("NET_RAW"),
        _ => null,
    };

    public Task<(IBottle Bottle, RangeTargets Targets)> GetAsync(string name) => _bottles.GetAsync(name);

    public async ValueTask DisposeAsync()
    {
        await _bottles.DisposeAsync();
        await FixtureImages.RemoveAsync(_images);
    }

    private Task BuildAsync() => Task.WhenAll(Built.Select(async name =>
    {
        await FixtureImages.BuildAsync("Adversarial", name, ImageFor(name), TestContext.Current.CancellationToken);
        lock (_images)
        {
            _images.Add(ImageFor(name));
        }
    }));
}
