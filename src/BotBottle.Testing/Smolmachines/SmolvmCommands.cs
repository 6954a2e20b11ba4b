namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// The argv of every smolvm call the harness makes, by smolvm version. Pure functions: no process is
/// started here, so each shape is pinned by a snapshot test. Exec and start/stop always use
/// <c>--name</c>; create and delete switch from a positional name to <c>--name</c> at 1.0.2.
/// </summary>
public static class SmolvmCommands
{
    /// <summary><c>--version</c>.</summary>
    public static IReadOnlyList<string> Version() => ["--version"];

    /// <summary><c>machine create</c> from a pack, allowing only the bundle's /32, with the guest env.</summary>
    public static IReadOnlyList<string> Create(
        SmolvmVersion version,
        string name,
        string packPath,
        IReadOnlyList<string> allowCidrs,
        IReadOnlyList<KeyValuePair<string, string>> env,
        int? cpus = null,
        int? memoryMib = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(allowCidrs);
        ArgumentNullException.ThrowIfNull(env);
        var argv = new List<string> { "machine", "create" };
        argv.AddRange(NameArgument(version, name));
        argv.AddRange(["--from", packPath]);
        foreach (var cidr in allowCidrs)
        {
            argv.AddRange(["--allow-cidr", cidr]);
        }

        if (cpus is { } c)
        {
            argv.AddRange(["--cpus", c.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        if (memoryMib is { } m)
        {
            argv.AddRange(["--mem", m.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        foreach (var (key, value) in env)
        {
            argv.AddRange(["-e", key + "=" + value]);
        }

        return argv;
    }

    /// <summary><c>machine start --name NAME</c>.</summary>
    public static IReadOnlyList<string> Start(string name) => ["machine", "start", "--name", name];

    /// <summary><c>machine stop --name NAME</c> (exits 0 when already stopped).</summary>
    public static IReadOnlyList<string> Stop(string name) => ["machine", "stop", "--name", name];

    /// <summary><c>machine delete … -f</c>: always forced, since without it smolvm prompts on stdin.</summary>
    public static IReadOnlyList<string> Delete(SmolvmVersion version, string name)
    {
        ArgumentNullException.ThrowIfNull(version);
        return ["machine", "delete", .. NameArgument(version, name), "-f"];
    }

    /// <summary><c>machine exec --name NAME [-i -t] -- argv…</c>; argv elements go as they are.</summary>
    public static IReadOnlyList<string> Exec(string name, IReadOnlyList<string> guestArgv, bool tty = false)
    {
        ArgumentNullException.ThrowIfNull(guestArgv);
        var argv = new List<string> { "machine", "exec", "--name", name };
        if (tty)
        {
            argv.AddRange(["-i", "-t"]);
        }

        argv.Add("--");
        argv.AddRange(guestArgv);
        return argv;
    }

    /// <summary><c>machine cp HOST NAME:GUEST</c> (single files only).</summary>
    public static IReadOnlyList<string> CopyIn(string name, string hostPath, string guestPath) =>
        ["machine", "cp", hostPath, name + ":" + guestPath];

    /// <summary><c>machine ls --json</c>.</summary>
    public static IReadOnlyList<string> List() => ["machine", "ls", "--json"];

    /// <summary><c>pack create --image REF -o STUB</c>; smolvm writes <c>STUB.smolmachine</c> beside the stub.</summary>
    public static IReadOnlyList<string> PackCreate(string image, string outputStub) =>
        ["pack", "create", "--image", image, "-o", outputStub];

    private static IReadOnlyList<string> NameArgument(SmolvmVersion version, string name) =>
        version.UsesNameFlag ? ["--name", name] : [name];
}
