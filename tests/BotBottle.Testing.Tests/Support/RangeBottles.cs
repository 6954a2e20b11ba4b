using BotBottle.Testing.Launch;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Range;

namespace BotBottle.Testing.Tests.Support;

/// <summary>
/// Named bottles on one probe range, launched at once on docker for a fixture: a test asks for one by name and gets it
/// with its targets, or the first launch failure; everything goes with the fixture.
/// </summary>
internal sealed class RangeBottles : IAsyncDisposable
{
    private readonly Dictionary<string, IBottle> _bottles = new(StringComparer.Ordinal);
    private PrerequisiteReport? _report;
    private Exception? _failure;
    private ProbeRange? _range;

    /// <summary>Creates the range and launches every spec, wired to it; a failure is kept for the tests to report.</summary>
    /// <param name="scopeFor">A test seam to hold while one bottle's launch starts (a weakened bottle), or null.</param>
    public async Task LaunchAsync(IReadOnlyDictionary<string, BottleSpec> specs, CancellationToken cancellationToken, Func<Task>? prepare = null, Func<string, IDisposable?>? scopeFor = null)
    {
        var backend = new DockerBackend();
        _report = await backend.CheckPrerequisitesAsync(cancellationToken);
        if (!_report.IsSatisfied)
        {
            return;
        }

        try
        {
            if (prepare is not null)
            {
                await prepare();
            }

            _range = await ProbeRange.CreateAsync(TestImages.Bundle, cancellationToken: cancellationToken);
            var launches = specs.ToDictionary(s => s.Key, s =>
            {
                // The launch captures the seam's async-local value when it starts, so the scope may end right after.
                using var scope = scopeFor?.Invoke(s.Key);
                return backend.LaunchAsync(_range.Wire(s.Value), cancellationToken);
            });
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

    /// <summary>The bottle named <paramref name="name"/> and the range's targets for it; skips where docker cannot run.</summary>
    public async Task<(IBottle Bottle, RangeTargets Targets)> GetAsync(string name)
    {
        BackendGate.Require(_report ?? throw new InvalidOperationException("not initialised"));
        if (_failure is not null)
        {
            throw new InvalidOperationException("a fixture bottle failed to launch: " + _failure.Message, _failure);
        }

        var bottle = _bottles[name];
        return (bottle, await _range!.TargetsForAsync(bottle, TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync() => await DisposeInOrder.AllAsync([.. _bottles.Values, _range]);
}
