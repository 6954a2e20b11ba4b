using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Facts;

/// <summary>
/// Finds credentials the agent would start with, read from where the subject cannot lie: the container's env from
/// the engine's inspect (<c>Config.Env</c>: the image's ENV and what the harness set at create), and the files of
/// the agent's login start path (<see cref="StartPath"/>) read through the engine's archive API and scanned
/// statically for assignments (<see cref="ShellAssignments"/>). No program of the image runs, as any user.
/// Each finding names the variable, why it looks like a credential (<see cref="SecretShapes"/>) and where it was
/// found, never its value; found values are registered with <see cref="SecretValues"/> so no report shows them.
/// <para>
/// Every scan includes a control entry, a synthetic <c>sk-ant-</c> token, that it must find: a scan that misses it
/// throws instead of answering "none", so a broken scanner cannot pass.
/// </para>
/// <para>
/// What it does not find: a token the image computes at run time (decoded from obfuscated data, fetched, or built by
/// <c>$(…)</c> in a profile, whose text is taken as written); one a profile reads from another file it sources that is
/// not on the start path; one written into a file the agent reads later (a config file, <c>~/.netrc</c>); and, for a
/// running container, an env a process in it changes after start (the engine reports the env the container was created with).
/// </para>
/// </summary>
internal static class SecretScan
{
    /// <summary>The source of a value the image's own config sets.</summary>
    public const string ImageEnv = "image ENV";

    /// <summary>The source of a value set when the container was created (the harness's env), beside the image's.</summary>
    public const string ContainerEnv = "container env";

    /// <summary>The entry every scan must find.</summary>
    public static EnvEntry Control { get; } = new("the scan's control", "BBT_CONTROL_API_KEY", "sk-ant-api03-botbottle-control-" + new string('x', 8));

    /// <summary>
    /// Findings (<c>NAME (why, source)</c>) for the environment <paramref name="agent"/> starts with; values equal to one of
    /// <paramref name="placeholders"/> are not secrets. Throws when the control is not found.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FindAsync(EngineContainer agent, IReadOnlyList<string> placeholders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return Find(await ReadAsync(agent, cancellationToken).ConfigureAwait(false), placeholders);
    }

    /// <summary>Every entry the agent may start with: the container's env (each tagged image or container), then each start-path file's assignments.</summary>
    public static async Task<IReadOnlyList<EnvEntry>> ReadAsync(EngineContainer agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var inspect = await agent.InspectAsync(cancellationToken).ConfigureAwait(false);
        var image = await EngineImage.InspectAsync(agent.Engine, inspect.ImageId, cancellationToken).ConfigureAwait(false);
        var fromImage = new HashSet<string>(image.Env, StringComparer.Ordinal);
        var entries = new List<EnvEntry>();
        foreach (var line in inspect.Env)
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                entries.Add(new EnvEntry(fromImage.Contains(line) ? ImageEnv : ContainerEnv, line[..eq], line[(eq + 1)..]));
            }
        }

        var files = await Task.WhenAll(StartPath.Files.Select(path => ContainerFiles.ReadFollowingLinksAsync(agent, path, cancellationToken))).ConfigureAwait(false);
        foreach (var file in files.SelectMany(f => f))
        {
            entries.AddRange(ShellAssignments.Parse(file.Text).Select(a => new EnvEntry(file.Path, a.Name, a.Value)));
        }

        return entries;
    }

    /// <summary>
    /// The pure scan: findings (<c>NAME (why, source)</c>, the first source of each name) over <paramref name="entries"/>
    /// and the <see cref="Control"/>, which must be found (else it throws); the control is not among the findings.
    /// <paramref name="why"/> replaces the shape rules (tests give a broken one to see the control catch it).
    /// </summary>
    public static IReadOnlyList<string> Find(IEnumerable<EnvEntry> entries, IReadOnlyList<string> placeholders, Func<string, string, string?>? why = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(placeholders);
        var judge = why ?? SecretShapes.Why;
        var ok = new HashSet<string>(placeholders, StringComparer.Ordinal);
        var said = new HashSet<string>(StringComparer.Ordinal);
        var findings = new List<string>();
        var found = new List<string>();
        var controlFound = false;
        foreach (var entry in entries.Append(Control))
        {
            if (entry.Value.Length == 0 || ok.Contains(entry.Value) || judge(entry.Name, entry.Value) is not { } reason)
            {
                continue;
            }

            if (ReferenceEquals(entry, Control))
            {
                controlFound = true;
            }
            else if (said.Add(entry.Name))
            {
                findings.Add($"{entry.Name} ({reason}, {entry.Source})");
                found.Add(entry.Value);
            }
        }

        if (!controlFound)
        {
            throw new InvalidOperationException($"the secret scan did not find its control ({Control.Name}, a synthetic sk-ant- token), so its answer proves nothing");
        }

        SecretValues.Register(found);
        return findings;
    }
}
