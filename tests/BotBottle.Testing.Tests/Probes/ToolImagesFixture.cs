using BotBottle.Testing.Range;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>
/// One probe range and one bottle per agent image with a different network tool set: the reference
/// (bash, OpenBSD nc, curl), busybox-only (BusyBox nc) and curl-only. All three share the range.
/// </summary>
public sealed class ToolImagesFixture : IAsyncLifetime
{
    public static readonly string[] Images = ["reference", "busybox-only", "curl-only"];

    private readonly Dictionary<string, IBottle> _bottles = new(StringComparer.Ordinal);
    private PrerequisiteReport? _report;
    private Exception? _failure;

    internal ProbeRange? Range { get; private set; }

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
            Range = await ProbeRange.CreateAsync(TestImages.Bundle, cancellationToken: ct);
            var launches = Images.ToDictionary(i => i, i => backend.LaunchAsync(Range.Wire(new BottleSpec("botbottle/agent:" + i, TestImages.Spec.Bundle)), ct));
            foreach (var (image, launch) in launches)
            {
                try
                {
                    _bottles[image] = await launch;
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

    public async Task<(IBottle Bottle, RangeTargets Targets)> GetAsync(string image)
    {
        BackendGate.Require(_report ?? throw new InvalidOperationException("not initialised"));
        if (_failure is not null)
        {
            throw new InvalidOperationException("a tool-image bottle failed to launch: " + _failure.Message, _failure);
        }

        var bottle = _bottles[image];
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
    }
}
