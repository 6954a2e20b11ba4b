using BotBottle.Testing.Probes;
using BotBottle.Testing.Range;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Adversarial;

/// <summary>
/// The hostile images of the verdict tests (Adversarial/*.Dockerfile, built offline from the reference images) and
/// one bottle per case on one probe range: lying tools with a leaky bundle, the reference agent with the leaky bundle
/// (for tampering), a root service, a set-uid-root shell. The images are removed afterwards.
/// </summary>
public sealed class VerdictImagesFixture : IAsyncLifetime
{
    public const string LyingTools = "lying-tools";
    public const string TamperedLeaky = "tampered-leaky";
    public const string RootService = "root-service";
    public const string SetuidShell = "setuid-shell";

    private static readonly string[] Built = ["lying-tools", "root-service", "setuid-shell", "leaky-bundle"];
    private readonly Dictionary<string, IBottle> _bottles = new(StringComparer.Ordinal);
    private readonly List<string> _images = [];
    private PrerequisiteReport? _report;
    private Exception? _failure;

    internal ProbeRange? Range { get; private set; }

    public static string ImageFor(string name) => (name.EndsWith("-bundle", StringComparison.Ordinal) ? "botbottle/bundle-hostile:" : "botbottle/agent-hostile:") + name;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var backend = new DockerBackend();
        _report = await backend.CheckPrerequisitesAsync(ct);
        if (!_report.IsSatisfied)
        {
            return;
        }

        try
        {
            await Task.WhenAll(Built.Select(async name =>
            {
                await FixtureImages.BuildAsync("Adversarial", name, ImageFor(name), ct);
                lock (_images)
                {
                    _images.Add(ImageFor(name));
                }
            }));

            Range = await ProbeRange.CreateAsync(TestImages.Bundle, cancellationToken: ct);
            var leaky = ImageFor("leaky-bundle");
            var cases = new Dictionary<string, (string Agent, string Bundle)>(StringComparer.Ordinal)
            {
                [LyingTools] = (ImageFor(LyingTools), leaky),
                [TamperedLeaky] = (TestImages.Agent, leaky),
                [RootService] = (ImageFor(RootService), TestImages.Bundle),
                [SetuidShell] = (ImageFor(SetuidShell), TestImages.Bundle),
            };
            var launches = cases.ToDictionary(c => c.Key, c => backend.LaunchAsync(Range.Wire(new BottleSpec(c.Value.Agent, TestImages.Spec.Bundle with { Image = c.Value.Bundle })), ct));
            foreach (var (name, launch) in launches)
            {
                try
                {
                    _bottles[name] = await launch;
                }
                catch (Exception e)
                {
                    _failure ??= e;
                }
            }
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    public async Task<(IBottle Bottle, RangeTargets Targets)> GetAsync(string name)
    {
        BackendGate.Require(_report ?? throw new InvalidOperationException("not initialised"));
        if (_failure is not null)
        {
            throw new InvalidOperationException("a hostile bottle failed to launch: " + _failure.Message, _failure);
        }

        var bottle = _bottles[name];
        return (bottle, await Range!.TargetsForAsync(bottle, TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var bottle in _bottles.Values)
        {
            await bottle.DisposeAsync();
        }

        if (Range is not null)
        {
            await Range.DisposeAsync();
        }

        await FixtureImages.RemoveAsync(_images);
    }
}
