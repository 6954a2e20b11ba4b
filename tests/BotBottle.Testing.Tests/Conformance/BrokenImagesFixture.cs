using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Sessions;
using BotBottle.Testing.Tests.Support;

using BotBottle.Testing.Conformance.Results;

namespace BotBottle.Testing.Tests.Conformance;

/// <summary>
/// Builds each deliberately broken agent image (BrokenImages/*.Dockerfile, offline, from the reference
/// image), runs the built-in spec without probes against each on docker, three at a time, and removes
/// the images afterwards.
/// </summary>
public sealed class BrokenImagesFixture : IAsyncLifetime
{
    public static readonly string[] Defects = ["root-only", "no-runuser", "home-other-uid", "agent-missing", "env-dropped"];

    private readonly Dictionary<string, ConformanceReport> _reports = new(StringComparer.Ordinal);
    private readonly List<string> _built = [];
    private PrerequisiteReport? _docker;
    private Exception? _failure;

    public static string ImageFor(string defect) => "botbottle/agent-broken:" + defect;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _docker = await new DockerBackend().CheckPrerequisitesAsync(ct);
        if (!_docker.IsSatisfied)
        {
            return;
        }

        try
        {
            foreach (var defect in Defects)
            {
                await FixtureImages.BuildAsync(Path.Combine("Conformance", "BrokenImages"), defect, ImageFor(defect), ct);
                _built.Add(ImageFor(defect));
            }

            var spec = ConformanceSpec.BotBottle.WithoutProbes();
            foreach (var (defect, report) in await DockerConformanceRuns.RunAsync(Defects.Select(d => (d, spec, ImageFor(d))), 3, "broken-images", ct))
            {
                _reports[defect] = report;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failure = e;
        }
    }

    public ConformanceReport ReportFor(string defect)
    {
        BackendGate.Require(_docker!);
        if (_failure is not null)
        {
            throw new InvalidOperationException("the broken images could not be checked: " + _failure.Message, _failure);
        }

        return _reports[defect];
    }

    public async ValueTask DisposeAsync()
    {
        await FixtureImages.RemoveAsync(_built);
    }
}
