using System.Globalization;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// The argv of every smolvm call the harness makes, by smolvm version. Pure functions: no process starts
/// here, so each shape is pinned by a snapshot test and checked against the emulated grammar.
/// </summary>
internal static class SmolvmCommands
{
    /// <summary>Where the bundle's proxy socket appears in the guest.</summary>
    public const string GuestProxySocket = "/run/botbottle/proxy.sock";

    /// <summary><c>--version</c>.</summary>
    public static IReadOnlyList<string> Version() => ["--version"];

    /// <summary>
    /// <c>machine create</c> from a <c>docker save</c> archive, with no network at all (no <c>--net</c>, no allow-list:
    /// the VM's only way out is the bundle's proxy socket, mounted at <see cref="GuestProxySocket"/>), labelled.
    /// </summary>
    public static IReadOnlyList<string> Create(SmolvmVersion version, string name, string imageArchive, string hostProxySocket, IReadOnlyDictionary<string, string> labels, int? cpus = null, int? memoryMib = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(labels);
        var argv = new List<string> { "machine", "create" };
        argv.AddRange(NameArgument(version, name));
        argv.AddRange(["-I", imageArchive, "--mount-socket", hostProxySocket + ":" + GuestProxySocket]);
        foreach (var (key, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            argv.AddRange(["--label", key + "=" + value]);
        }

        if (cpus is { } c)
        {
            argv.AddRange(["--cpus", c.ToString(CultureInfo.InvariantCulture)]);
        }

        if (memoryMib is { } m)
        {
            argv.AddRange(["--mem", m.ToString(CultureInfo.InvariantCulture)]);
        }

        argv.Add("--");
        argv.AddRange(Guest.GuestCommand.KeepAlive); // the machine's workload: execs always have a container to join
        return argv;
    }

    /// <summary><c>machine start --name NAME</c>.</summary>
    public static IReadOnlyList<string> Start(string name) => ["machine", "start", "--name", name];

    /// <summary><c>machine stop --name NAME</c> (exits 0 when already stopped).</summary>
    public static IReadOnlyList<string> Stop(string name) => ["machine", "stop", "--name", name];

    /// <summary><c>machine delete … -f</c>: always forced, since without it smolvm prompts on stdin; it stops a running machine first.</summary>
    public static IReadOnlyList<string> Delete(SmolvmVersion version, string name)
    {
        ArgumentNullException.ThrowIfNull(version);
        return ["machine", "delete", .. NameArgument(version, name), "-f"];
    }

    /// <summary>
    /// <c>machine exec --name NAME [-i -t | -d] [--secret-env K=BBT_ENV_K …] -- argv…</c>: argv elements go as they are,
    /// the env by name only (see <see cref="GuestEnvHandoff"/>).
    /// </summary>
    public static IReadOnlyList<string> Exec(string name, IReadOnlyList<string> guestArgv, IReadOnlyList<KeyValuePair<string, string>> envNames, bool tty = false, bool detach = false)
    {
        ArgumentNullException.ThrowIfNull(guestArgv);
        ArgumentNullException.ThrowIfNull(envNames);
        var argv = new List<string> { "machine", "exec", "--name", name };
        if (tty)
        {
            argv.AddRange(["-i", "-t"]);
        }

        if (detach)
        {
            argv.Add("-d");
        }

        foreach (var (guest, host) in envNames)
        {
            argv.AddRange(["--secret-env", guest + "=" + host]);
        }

        argv.Add("--");
        argv.AddRange(guestArgv);
        return argv;
    }

    /// <summary><c>machine cp [--uid U --gid G --mode OCTAL] HOST NAME:GUEST</c> (single files; owner and mode from 1.9.0).</summary>
    public static IReadOnlyList<string> CopyIn(SmolvmVersion version, string name, string hostPath, string guestPath, int uid, int gid, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(version);
        var argv = new List<string> { "machine", "cp" };
        if (version.CopiesOwnership)
        {
            argv.AddRange(["--uid", uid.ToString(CultureInfo.InvariantCulture), "--gid", gid.ToString(CultureInfo.InvariantCulture), "--mode", Guest.GuestPaths.Octal(mode)]);
        }

        argv.AddRange([hostPath, name + ":" + guestPath]);
        return argv;
    }

    /// <summary><c>machine ls --json</c>.</summary>
    public static IReadOnlyList<string> List() => ["machine", "ls", "--json"];

    private static IReadOnlyList<string> NameArgument(SmolvmVersion version, string name) =>
        version.UsesNameFlag ? ["--name", name] : [name];
}
