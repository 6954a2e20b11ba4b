using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Conformance.Run;
using Xunit;

namespace BotBottle.Testing.Xunit.Conformance;

/// <summary>Theory data with one row per (backend, check id): each check on each backend is its own test case, so filters and reports name it.</summary>
public static class ConformanceCases
{
    /// <summary>Rows for every check of <paramref name="spec"/> (and the launch) on each of <paramref name="backends"/> (default: those of <see cref="ConformanceOptions.Backends"/>, one of each kind).</summary>
    public static TheoryData<string, string> For(ConformanceSpec spec, params string[] backends)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var data = new TheoryData<string, string>();
        foreach (var backend in backends.Length > 0 ? backends : [.. new ConformanceOptions().Backends.Select(b => b.Name)])
        {
            foreach (var id in spec.ReportIds)
            {
                data.Add(backend, id);
            }
        }

        return data;
    }
}
