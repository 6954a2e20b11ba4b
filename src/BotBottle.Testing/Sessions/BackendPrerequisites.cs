using BotBottle.Testing.Launch;
using System.Collections.Concurrent;

namespace BotBottle.Testing.Sessions;

/// <summary>Each backend's prerequisites, checked once per process (they do not change during a test run).</summary>
public static class BackendPrerequisites
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<PrerequisiteReport>>> Reports = new(StringComparer.Ordinal);

    /// <summary>The backend's prerequisite report (cached; the first caller's check is shared).</summary>
    public static Task<PrerequisiteReport> CheckAsync(string backend, CancellationToken cancellationToken)
    {
        var report = Reports.GetOrAdd(backend, name => new Lazy<Task<PrerequisiteReport>>(() => BottleBackends.Create(name).CheckPrerequisitesAsync(CancellationToken.None)));
        return report.Value.WaitAsync(cancellationToken);
    }
}
