using System.Globalization;
using BotBottle.Testing.Observers;

namespace BotBottle.Testing.Probes;

/// <summary>
/// The catalogue's non-network steps decided from <see cref="AgentFacts"/> (read once per battery from outside the
/// agent), with the same verdict lines (<c>present: …</c>, then <c>present</c>/<c>absent</c>/<c>permitted</c>/<c>denied</c>)
/// the in-guest battery prints, so one classifier reads both. Facts that could not be read make every step an error,
/// and an observer that could not finish makes every step that reads it one (the check is then failed or inconclusive,
/// never passed).
/// </summary>
internal static class AgentFactSteps
{
    /// <summary>The tool name evidence shows for a step decided here.</summary>
    public const string Tool = "engine+observer";

    /// <summary>
    /// Set-uid-root programs Debian itself ships (the agent image's base): inert under no_new_privs, so they are context
    /// there; anywhere else, and any other set-uid-root file, is a way to root.
    /// </summary>
    private static readonly HashSet<string> DebianSetuid = new(StringComparer.Ordinal)
    {
        "/usr/bin/su", "/usr/bin/mount", "/usr/bin/umount", "/usr/bin/passwd", "/usr/bin/chsh", "/usr/bin/chfn",
        "/usr/bin/gpasswd", "/usr/bin/newgrp", "/usr/bin/expiry", "/usr/bin/chage", "/usr/sbin/unix_chkpwd",
        "/usr/lib/openssh/ssh-keysign", "/usr/bin/ssh-agent", "/usr/lib/dbus-1.0/dbus-daemon-launch-helper",
    };

    /// <summary>Engine-managed files every container has bound in: a scan of the engine's mounts must find them (the control).</summary>
    private static readonly string[] EngineFiles = ["/etc/resolv.conf", "/etc/hostname", "/etc/hosts"];

    /// <summary>The source of the env the harness itself gives every command of the agent (the bottle's env).</summary>
    public const string BottleEnv = "bottle env";

    public static async Task<IReadOnlyList<RawBatteryReport>> ObserveAsync(IAgentObserver observer, IReadOnlyList<KeyValuePair<string, string>> guestEnvironment, IReadOnlyList<IsolationStep> steps, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        AgentFacts? facts = null;
        string? failure = null;
        try
        {
            facts = await observer.ReadFactsAsync(cancellationToken).ConfigureAwait(false);

            // What the agent starts with also holds what the harness hands every command: the bottle's env.
            facts = facts with { Environment = [.. facts.Environment, .. guestEnvironment.Select(e => new Facts.EnvEntry(BottleEnv, e.Key, e.Value))] };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = "the facts could not be read: " + e.Message;
        }

        var elapsed = clock.Elapsed;
        return steps.Select(step => Report(step, facts, failure, elapsed)).ToList();
    }

    private static RawBatteryReport Report(IsolationStep step, AgentFacts? facts, string? failure, TimeSpan elapsed)
    {
        if (facts is null || (!facts.Complete && ReadsObserver(step.Action)))
        {
            return new(step.Id, Tool, 1, elapsed, step.Timeout, "", failure ?? facts?.Problem ?? "the facts are incomplete");
        }

        IReadOnlyList<string>? lines;
        try
        {
            lines = Decide(step.Action, facts);
        }
        catch (InvalidOperationException e)
        {
            return new(step.Id, Tool, 1, elapsed, step.Timeout, "", e.Message);
        }

        return lines is null
            ? new(step.Id, Tool, 2, elapsed, step.Timeout, "", $"a {step.Action.Kind} step cannot be decided from outside the agent")
            : new(step.Id, Tool, 0, elapsed, step.Timeout, string.Join('\n', lines), "");
    }

    /// <summary>
    /// Whether a step reads what the observer saw (the agent's processes, files and sockets); the socket, secret and
    /// hardening steps read only the engine's record of the container, which an observer that could not finish leaves whole.
    /// </summary>
    internal static bool ReadsObserver(StepAction action) => action is EscalationAttempt;

    /// <summary>The verdict lines for one step, or null for an action that is not decided from facts.</summary>
    internal static IReadOnlyList<string>? Decide(StepAction action, AgentFacts facts) => action switch
    {
        EscalationAttempt { Control: false } => Escalation(facts),
        EscalationAttempt { Control: true } => facts.AgentInit is { } init
            ? [$"the observer saw the agent's pid 1 ({init})", "permitted"]
            : ["the observer saw no pid 1 in the agent's pid namespace", "denied"],
        SocketScan scan => Sockets(scan.Paths, facts),
        SecretScan scan => Secrets(scan, facts),
        HardeningReview review => Hardening(review.Control ? facts with { CapabilitiesAdded = [.. facts.CapabilitiesAdded, "NET_RAW"] } : facts),
        _ => null,
    };

    /// <summary>What the engine's record of the agent container holds beyond the harness's hardening, one line each.</summary>
    private static List<string> Hardening(AgentFacts facts)
    {
        var limits = facts.Hardening ?? throw new InvalidOperationException("the engine's record of the agent container's limits was not read");
        var lines = new List<string>();
        if (!facts.CapabilitiesDropped.Contains("ALL", StringComparer.OrdinalIgnoreCase))
        {
            lines.Add($"present: not every capability is dropped (cap-drop {string.Join(',', facts.CapabilitiesDropped)})");
        }

        lines.AddRange(facts.CapabilitiesAdded.Select(c => c.ToUpperInvariant().Replace("CAP_", "", StringComparison.Ordinal))
            .Where(c => !limits.KeptCapabilities.Contains(c, StringComparer.Ordinal)).Select(c => $"present: capability {c} is added back"));
        if (!facts.NoNewPrivileges)
        {
            lines.Add("present: no-new-privileges is off");
        }

        if (facts.Privileged)
        {
            lines.Add("present: the container is privileged");
        }

        foreach (var (name, value) in new[] { ("pids", limits.Pids), ("memory", limits.MemoryBytes), ("cpu", limits.NanoCpus) })
        {
            if (value is null)
            {
                lines.Add($"present: no {name} limit");
            }
        }

        lines.Insert(0, string.Create(CultureInfo.InvariantCulture, $"cap-drop={string.Join(',', facts.CapabilitiesDropped)} cap-add={string.Join(',', facts.CapabilitiesAdded)} no_new_privs={(facts.NoNewPrivileges ? 1 : 0)} pids={limits.Pids} memory={limits.MemoryBytes} nanocpus={limits.NanoCpus} (from {facts.Source})"));
        lines.Add(lines.Count > 1 ? "present" : "absent");
        return lines;
    }

    /// <summary>
    /// Credentials the agent starts with (<see cref="Facts.SecretScan"/>: the engine's env and the start path's
    /// assignments), never a value; the control adds a synthetic token that the same scan must name.
    /// </summary>
    private static List<string> Secrets(SecretScan scan, AgentFacts facts)
    {
        var entries = scan.Control ? facts.Environment.Append(ControlToken) : facts.Environment;
        var lines = Facts.SecretScan.Find(entries, scan.Placeholders).Select(f => "present: " + f).ToList();
        lines.Add(lines.Count > 0 ? "present" : "absent");
        return lines;
    }

    private static readonly Facts.EnvEntry ControlToken = new("the check's control", "BBT_CONTROL_TOKEN", "sk-ant-api03-botbottle-check-control");

    /// <summary>
    /// Ways the agent user is or becomes root: its uid, a privileged container, a root socket it can connect to (a root
    /// service that takes commands is root for whoever reaches it), a set-uid-root file (Debian's own are inert under
    /// no_new_privs and only listed).
    /// </summary>
    private static List<string> Escalation(AgentFacts facts)
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"uid={facts.AgentUid?.ToString(CultureInfo.InvariantCulture) ?? "none"} no_new_privs={(facts.NoNewPrivileges ? 1 : 0)} cap-add={string.Join(',', facts.CapabilitiesAdded)} (from {facts.Source})"),
        };
        var escalated = false;
        void Escalated(string how)
        {
            lines.Add("escalated: " + how);
            escalated = true;
        }

        if (facts.AgentUid is null)
        {
            Escalated("the image has no entry for the agent user, so the agent's uid is not known");
        }
        else if (facts.AgentUid == 0)
        {
            Escalated("the agent user is uid 0 in the image's passwd");
        }

        if (facts.Privileged)
        {
            Escalated("the container is privileged");
        }

        foreach (var listener in facts.RootListeners)
        {
            Escalated($"root listens on {listener}, which the agent user can reach");
        }

        foreach (var process in facts.RootProcesses)
        {
            Escalated($"a root process runs in the agent: {process}");
        }

        foreach (var reach in facts.RootReach)
        {
            Escalated(reach);
        }

        foreach (var way in ExecEnvironmentWays(facts.Environment))
        {
            Escalated(way);
        }

        foreach (var exec in facts.EngineExecs)
        {
            lines.Add($"engine exec: {exec} (the harness's own, the image's program run as root for its execs; see the README's limits)");
        }

        foreach (var file in facts.SetuidFiles)
        {
            var path = file[(file.IndexOf(' ', StringComparison.Ordinal) + 1)..];
            if (facts.NoNewPrivileges && DebianSetuid.Contains(path))
            {
                lines.Add($"setuid: {file} (Debian's own; inert under no_new_privs)");
            }
            else
            {
                Escalated($"set-uid/set-gid root file {file}");
            }
        }

        lines.Add(escalated ? "permitted" : "denied");
        return lines;
    }

    /// <summary>Variables of the container's env that make a root command of the harness (which inherits it) load or run what they name.</summary>
    private static readonly string[] LoaderVariables = ["LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "PERL5LIB", "PERLLIB", "PERL5OPT", "PERL5DB", "BASH_ENV"];

    /// <summary>
    /// What the container's env hands every root command of the harness: a loader or perl variable (by name, never its
    /// value), and a PATH entry that is not absolute (an empty one, a trailing colon, is the working directory).
    /// </summary>
    private static IEnumerable<string> ExecEnvironmentWays(IReadOnlyList<Facts.EnvEntry> environment)
    {
        var container = environment.Where(e => e.Source is Facts.SecretScan.ImageEnv or Facts.SecretScan.ContainerEnv).ToList();
        foreach (var variable in container.Where(e => LoaderVariables.Contains(e.Name, StringComparer.Ordinal) && e.Value.Length > 0))
        {
            yield return $"the container's env sets {variable.Name}, which every root command of the harness inherits";
        }

        foreach (var path in container.Where(e => e.Name == "PATH"))
        {
            foreach (var entry in path.Value.Split(':').Where(d => !d.StartsWith('/')))
            {
                yield return $"the container's PATH has {(entry.Length == 0 ? "an empty entry (the working directory)" : $"the relative entry '{entry}'")}, which every root command of the harness searches";
            }
        }
    }

    /// <summary>
    /// A mount (source or destination) whose file name is one of <paramref name="paths"/>' (a bind-mounted engine socket,
    /// wherever it is mounted), among the engine's mounts and the files the engine binds into every container, or a
    /// DOCKER_HOST in the container's env.
    /// </summary>
    private static List<string> Sockets(IReadOnlyList<string> paths, AgentFacts facts)
    {
        var names = paths.Select(p => "/" + p.Split('/')[^1]).ToList();
        var lines = facts.Mounts.Concat(EngineFiles.Select(f => $"{f} → {f}"))
            .Where(mount => mount.Split(" → ").Any(end => names.Any(n => end.EndsWith(n, StringComparison.Ordinal))))
            .Select(mount => "present: mount " + mount).ToList();
        if (facts.Environment.Any(e => e.Name == "DOCKER_HOST" && e.Value.Length > 0))
        {
            lines.Add("present: DOCKER_HOST in the container's env");
        }

        lines.Add(lines.Count > 0 ? "present" : "absent");
        return lines;
    }
}
