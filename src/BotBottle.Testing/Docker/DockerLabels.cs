using System.Globalization;
using BotBottle.Testing.Launch;

namespace BotBottle.Testing.Docker;

/// <summary>
/// Labels on every resource the harness creates: who made it (the harness), in which session (and
/// process, on which host), for which bottle and in which role, so a sweep can remove what a dead
/// test host left behind.
/// </summary>
public static class DockerLabels
{
    /// <summary>Marks a resource as the harness's.</summary>
    public const string Harness = "dev.botbottle.harness";

    /// <summary>The harness session id.</summary>
    public const string Session = "dev.botbottle.session";

    /// <summary>The id of the process that created the resource.</summary>
    public const string Pid = "dev.botbottle.pid";

    /// <summary>The host name of the machine that created it.</summary>
    public const string Host = "dev.botbottle.host";

    /// <summary>The bottle the resource belongs to.</summary>
    public const string Bottle = "dev.botbottle.bottle";

    /// <summary>network, bundle, agent or a caller's role (decoy, upstream…).</summary>
    public const string Role = "dev.botbottle.role";

    /// <summary>The value of <see cref="Harness"/>.</summary>
    public const string HarnessName = "BotBottle.Testing";

    /// <summary>The labels for a resource of <paramref name="bottle"/> in <paramref name="role"/>.</summary>
    public static Dictionary<string, string> For(string bottle, string role) => new(StringComparer.Ordinal)
    {
        [Harness] = HarnessName,
        [Session] = BottleNames.SessionId,
        [Pid] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        [Host] = Environment.MachineName,
        [Bottle] = bottle,
        [Role] = role,
    };
}
