using System.Globalization;

namespace BotBottle.Testing.Bottles;

/// <summary>
/// The resources one agent may use, so that one bottle cannot exhaust the host it runs on (a fork bomb, a leak, a
/// busy loop on a 2-core CI machine). The defaults fit such a machine running several bottles at once; change them
/// with <see cref="BottleBuilder.WithLimits"/>.
/// </summary>
/// <param name="Pids">The most processes and threads the agent may have at once.</param>
/// <param name="MemoryBytes">The agent's memory limit, in bytes (swap included).</param>
/// <param name="Cpus">The agent's share of the host's CPUs (1.5 = one and a half cores).</param>
public sealed record AgentLimits(int Pids = 512, long MemoryBytes = 2L * 1024 * 1024 * 1024, double Cpus = 1.5)
{
    /// <summary>The defaults: 512 processes, 2 GiB, 1.5 CPUs.</summary>
    public static AgentLimits Default { get; } = new();

    /// <summary>Throws when a limit is not positive or the memory is below what an agent starts in (64 MiB).</summary>
    internal AgentLimits Validate()
    {
        var problems = new List<string>();
        if (Pids < 16)
        {
            problems.Add($"a pids limit of {Pids} is below 16");
        }

        if (MemoryBytes < 64L * 1024 * 1024)
        {
            problems.Add($"a memory limit of {MemoryBytes.ToString(CultureInfo.InvariantCulture)} bytes is below 64 MiB");
        }

        if (Cpus is <= 0 or double.NaN or double.PositiveInfinity)
        {
            problems.Add($"a CPU limit of {Cpus.ToString(CultureInfo.InvariantCulture)} is not a positive number");
        }

        return problems.Count == 0 ? this : throw new ArgumentException("invalid agent limits: " + string.Join("; ", problems));
    }
}
