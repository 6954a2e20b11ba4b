using DotNet.Testcontainers.Containers;

namespace BotBottle.Testing.Engine;

/// <summary>
/// Labels on every resource the harness creates: who made it (the harness), in which session (and
/// process, with what <see cref="ProcessIdentity"/>), for which bottle and in which role, so the reaper and the sweeper find
/// exactly what a dead test host left behind. Testcontainers' own labels are added too
/// (<c>org.testcontainers</c>, its language, version and this process's Testcontainers session id), so
/// a Ryuk that the user's own Testcontainers session runs also removes the harness's resources.
/// </summary>
internal static class ResourceLabels
{
    public const string Harness = "dev.botbottle.harness";
    public const string Session = "dev.botbottle.session";
    public const string Pid = "dev.botbottle.pid";
    public const string Host = "dev.botbottle.host";
    public const string Boot = "dev.botbottle.boot";
    public const string PidNamespace = "dev.botbottle.pidns";
    public const string Started = "dev.botbottle.started";
    public const string Bottle = "dev.botbottle.bottle";
    public const string Role = "dev.botbottle.role";
    public const string HarnessName = "BotBottle.Testing";

    /// <summary>Until when (Unix seconds) the sweep and the reaper leave a kept resource alone.</summary>
    public const string KeepUntil = "dev.botbottle.keep-until";

    private const string Testcontainers = "org.testcontainers";

    /// <summary>This process's harness session id (8 hex characters): on every resource, and in every name the harness gives.</summary>
    public static string SessionId { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    /// <summary>Whether a resource with these labels is kept (<see cref="KeepUntil"/>) at <paramref name="now"/>.</summary>
    public static bool IsKept(IDictionary<string, string>? labels, DateTimeOffset now) =>
        labels is not null && labels.TryGetValue(KeepUntil, out var value)
        && long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && DateTimeOffset.FromUnixTimeSeconds(seconds) > now;

    /// <summary>The labels for a resource of <paramref name="bottle"/> in <paramref name="role"/>, with <paramref name="extra"/> (the user's, the keep label) beside them.</summary>
    public static Dictionary<string, string> For(string bottle, string role, IReadOnlyDictionary<string, string>? extra = null)
    {
        var labels = Own(bottle, role);
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            labels.TryAdd(key, value);
        }

        return labels;
    }

    private static Dictionary<string, string> Own(string bottle, string role) => new(ProcessIdentity.Current.Labels, StringComparer.Ordinal)
    {
        [Harness] = HarnessName,
        [Session] = SessionId,
        [Bottle] = bottle,
        [Role] = role,
        [Testcontainers] = "true",
        [Testcontainers + ".lang"] = "dotnet",
        [Testcontainers + ".version"] = TestcontainersVersion,
        [ResourceReaper.ResourceReaperSessionLabel] = ResourceReaper.DefaultSessionId.ToString("D"),
    };

    /// <summary>The engine filter that selects the harness's resources, or one session's.</summary>
    public static Dictionary<string, IDictionary<string, bool>> Filter(string? sessionId = null)
    {
        var label = sessionId is null ? Harness + "=" + HarnessName : Session + "=" + sessionId;
        return new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } };
    }

    private static string TestcontainersVersion { get; } =
        typeof(ResourceReaper).Assembly.GetName().Version?.ToString(3) ?? "unknown";
}
