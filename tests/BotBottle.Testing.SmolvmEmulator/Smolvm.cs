using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BotBottle.Testing.SmolvmEmulator;

/// <summary>
/// The commands: <c>--version</c>, <c>machine create|start|stop|delete|exec|cp|ls|status</c> (alias
/// <c>vm</c>, <c>rm</c>, <c>list</c>) and <c>pack create</c>. Messages and exit codes are smolvm's
/// (src/data/errors.rs shapes, src/cli/vm_common.rs and src/cli/machine.rs at the emulated tag).
/// </summary>
internal sealed partial class Smolvm(Grammar grammar, MachineStore store)
{
    /// <summary>MAX_EXEC_OUTPUT, crates/smolvm-agent/src/process.rs: each buffered stream is capped at 11 MiB.</summary>
    private const int MaxExecOutput = 11 * 1024 * 1024;

    /// <summary>Where the guest side records each exec's process, as smolvm's agent keeps the child it spawned.</summary>
    private const string ExecPids = "/tmp/.smolvm-emulator-exec";

    /// <summary>
    /// <c>descendants PID</c>: the process and everything under it, from the parent pids in /proc/*/stat (readable for
    /// every user, unlike another user's environ): what smolvm's agent ends when it kills an exec's process group.
    /// </summary>
    private const string Descendants =
        "descendants() { for s in /proc/[0-9]*/stat; do cat \"$s\" 2>/dev/null; echo; done | awk -v top=\"$1\" '" +
        "NF { id = $1; sub(/.*\\) /, \"\"); up[id] = $2 } END { if (!(top in up)) exit; mine[top] = 1; grew = 1; " +
        "while (grew) { grew = 0; for (q in up) if (!(q in mine) && (up[q] in mine)) { mine[q] = 1; grew = 1 } } for (q in mine) print q }'; }; ";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private Version Release { get; } = Version.Parse(grammar.Version);

    public int Run(string[] args)
    {
        if (args.Length == 0)
        {
            throw new UsageException("error: 'smolvm' requires a subcommand but one was not provided\n\nUsage: smolvm <COMMAND>\n\nFor more information, try '--help'.", 2);
        }

        if (args[0] is "--version" or "-V")
        {
            Console.WriteLine($"smolvm {grammar.Version}");
            return 0;
        }

        var group = args[0] switch
        {
            "machine" or "vm" => "machine",
            "pack" => "pack",
            _ => throw new UsageException($"error: unrecognized subcommand '{args[0]}'\n\nUsage: smolvm <COMMAND>\n\nFor more information, try '--help'.", 2),
        };
        if (args.Length < 2)
        {
            throw new UsageException($"error: 'smolvm {group}' requires a subcommand but one was not provided\n\nUsage: smolvm {group} <COMMAND>\n\nFor more information, try '--help'.", 2);
        }

        var sub = args[1] switch { "rm" => "delete", "list" => "ls", var s => s };
        var command = group + " " + sub;
        var parsed = grammar.Parse(command, args.Skip(2).ToList());

        // Fault injection for the harness's tests (never smolvm's behaviour): SMOLVM_EMULATOR_FAULT names a command
        // that fails with exit 1. A failing create fails after recording the machine, the worst case for a caller.
        var faults = (Environment.GetEnvironmentVariable("SMOLVM_EMULATOR_FAULT") ?? "").Split(',');
        if (faults.Contains("panic:" + command))
        {
            throw new PanicException("injected fault: smolvm " + command, "src/cli/machine.rs:1:1");
        }

        var fault = faults.Contains(command);
        if (fault && command != "machine create")
        {
            throw Fail($"injected fault: smolvm {command}");
        }

        if (fault)
        {
            Create(parsed);
            throw Fail("injected fault: smolvm machine create (the machine was recorded)");
        }

        return command switch
        {
            "machine create" => Create(parsed),
            "machine start" => Start(parsed),
            "machine stop" => Stop(parsed),
            "machine delete" => Delete(parsed),
            "machine exec" => Exec(parsed),
            "machine cp" => Copy(parsed),
            "machine ls" => List(parsed),
            "machine status" => Status(parsed),
            "pack create" => PackCreate(parsed),
            _ => throw new UsageException($"Error: the emulator does not implement `smolvm {command}`", 1),
        };
    }

    private static UsageException Fail(string message) => new("Error: " + message, 1);

    private static UsageException NotFound(string name) => Fail($"vm not found: {name}");

    private int Create(ParsedArgs a)
    {
        var name = a.Value("name") ?? "vm-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        if (ValidateName(name) is { } invalid)
        {
            throw Fail($"config operation failed: create machine: {invalid}");
        }

        var sockets = new List<string[]>();
        foreach (var spec in a.All("mount-socket"))
        {
            // parse_published_sockets (src/cli/machine.rs): HOST_PATH:GUEST_PATH, split at the first ':'.
            var split = spec.IndexOf(':', StringComparison.Ordinal);
            if (split < 0)
            {
                throw Fail($"config operation failed: mount-socket: expected HOST_PATH:GUEST_PATH, got '{spec}'");
            }

            var (host, guest) = (spec[..split], spec[(split + 1)..]);
            if (host.Length == 0 || guest.Length == 0)
            {
                throw Fail($"config operation failed: mount-socket: both HOST_PATH and GUEST_PATH are required in '{spec}'");
            }

            if (!guest.StartsWith('/'))
            {
                throw Fail($"config operation failed: publish-socket: guest path '{guest}' must be absolute");
            }

            sockets.Add([host, guest]);
        }

        string? image = null;
        string? reference = null;
        var local = false;
        if (a.Value("image") is { } given)
        {
            // -I is classified by syntax (src/data/image_source.rs classify, looks_local): '-' is stdin; '/', './', '../'
            // or a .tar/.tar.gz/.tgz suffix is local (an existing directory a rootfs, anything else a `docker save`
            // archive, which must be readable and at most SMOLVM_MAX_IMAGE_BYTES, 8 GiB by default); the rest is a
            // registry reference, even when a file of that name exists.
            if (given == "-")
            {
                using var stdin = Console.OpenStandardInput();
                using var staged = new MemoryStream();
                stdin.CopyTo(staged);
                reference = "local:" + Convert.ToHexString(SHA256.HashData(staged.ToArray())).ToLowerInvariant();
                staged.Position = 0;
                image = GuestEngine.Load(staged);
                local = true;
            }
            else if (LooksLocal(given))
            {
                if (Directory.Exists(given))
                {
                    throw Fail("config operation failed: create machine: the emulator does not boot rootfs directories");
                }

                if (!Path.Exists(given))
                {
                    throw Fail($"config operation failed: --image: cannot read archive {given}: No such file or directory (os error 2)");
                }

                var length = new FileInfo(given).Length;
                var limit = MaxArchiveBytes(a.Value("max-image-size"));
                if (length > limit)
                {
                    throw Fail($"config operation failed: --image: image archive is {length} bytes, over the {limit}-byte limit. Raise it with --max-image-size (e.g. --max-image-size 16GiB) or the SMOLVM_MAX_IMAGE_BYTES env var if this is a legitimate large image.");
                }

                using (var hashed = File.OpenRead(given))
                {
                    reference = "local:" + Convert.ToHexString(SHA256.HashData(hashed)).ToLowerInvariant();
                }

                using var archive = File.OpenRead(given);
                image = GuestEngine.Load(archive);
                local = true;
            }
            else
            {
                image = reference = given;
            }
        }

        // VmResources::validate (src/data/resources.rs, the same at 1.7.7, 1.8.0 and 1.9.3), called by CreateCmd::run
        // after the image is classified and before the record is built: at least 1 vCPU and 64 MiB.
        if (a.Value("cpus") is { } givenCpus && int.TryParse(givenCpus, NumberStyles.None, CultureInfo.InvariantCulture, out var vcpus) && vcpus == 0)
        {
            throw Fail("config operation failed: validate resources: CPU count must be at least 1");
        }

        if (a.Value("mem") is { } givenMem && long.TryParse(givenMem, NumberStyles.None, CultureInfo.InvariantCulture, out var mib) && mib < 64)
        {
            throw Fail($"config operation failed: validate resources: memory must be at least 64 MiB (got {mib} MiB)");
        }

        // The record's network (VmRecord.network, reported by ls --json as a bool) and ports (a count): --net, an egress
        // policy (--allow-cidr/--allow-host imply --net) or a named --network (1.9.3) give the machine a NIC, and so does a
        // published port (the fetchability error below names -p as a way to give it a network). Only the grammar of the
        // release is accepted, so a flag it lacks never gets here.
        var ports = a.All("port").Count;
        var network = a.Has("net") || a.All("allow-cidr").Count > 0 || a.All("allow-host").Count > 0 || a.Value("network") is not null || ports > 0;
        if (image is not null && !local && !network)
        {
            // validate_image_fetchable (src/config.rs), called as the record is built (src/cli/vm_common.rs): a registry
            // image on a machine with no network can never be pulled, so create refuses it.
            throw Fail($"config operation failed: create machine: image '{image}' must be pulled from a registry, but this machine has no network, so the pull can never succeed. Add --net (or publish a port with -p, or set an egress policy with --allow-cidr/--allow-host). To keep the machine network-isolated, supply the image locally instead: `docker save {image} | smolvm machine create --image - ...`");
        }

        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in a.All("label"))
        {
            var eq = label.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Fail($"config operation failed: create machine: invalid label '{label}': expected KEY=VALUE");
            }

            labels[label[..eq]] = label[(eq + 1)..];
        }

        using (store.Lock())
        {
            if (store.Get(name) is not null)
            {
                // CreateVmReservation::reserve, src/cli/vm_common.rs.
                throw Fail($"config operation failed: create machine: machine '{name}' already exists or is being created");
            }

            var cpus = int.Parse(a.Value("cpus") ?? "4", CultureInfo.InvariantCulture);
            var mem = long.Parse(a.Value("mem") ?? "8192", CultureInfo.InvariantCulture);
            store.Save(new Machine
            {
                Name = name,
                Image = image,
                Reference = reference,
                LocalImage = local,
                ImageUser = local && image is not null ? GuestEngine.ImageUser(image) : "",
                Env = [.. a.All("env")],
                Command = [.. a.Trailing],
                Workdir = a.Value("workdir"),
                MountSockets = sockets,
                Volumes = [.. a.All("volume")],
                Labels = labels,
                Cpus = cpus,
                MemoryMib = mem,
                Network = network,
                Ports = ports,
                CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                Container = store.ContainerFor(name),
            });
            Console.WriteLine($"Created machine: {name}");
            Console.WriteLine($"  CPUs: {cpus}, Memory: {mem} MiB");
            Console.WriteLine($"\nUse 'smolvm machine start --name {name}' to start the machine");
            Console.WriteLine($"Then use 'smolvm machine exec --name {name} -- <command>' to run commands");
        }

        return 0;
    }

    private int Start(ParsedArgs a)
    {
        var name = a.Value("name") ?? "default";
        var machine = store.Get(name) ?? throw NotFound(name);
        if (machine.State == "running" && GuestEngine.IsRunning(machine.Container))
        {
            Console.WriteLine($"Machine '{name}' already running (PID: {machine.Pid ?? 0})");
            return 0;
        }

        if (machine.State == "unreachable" && GuestEngine.IsRunning(machine.Container))
        {
            // cli_recover_if_unreachable (src/cli/vm_common.rs): the VMM is killed and the machine boots fresh.
            Console.WriteLine($"Machine '{name}' is unreachable (PID {machine.Pid ?? 0} alive but agent unresponsive); cleaning up.");
            GuestEngine.Docker(["kill", machine.Container]);
        }

        Console.Error.WriteLine($"Starting machine '{name}'...");
        if (machine.Network || machine.Ports > 0)
        {
            // Honest limit: a guest with a network would reach whatever the engine reaches. Such a machine is recorded
            // (so ls --json shows its network, as smolvm's would) but never booted.
            throw Fail($"agent operation failed: start: machine '{name}' has a network (--net, --allow-cidr, --allow-host, --network or -p): the emulator does not emulate guest networking");
        }

        if (machine.Image is null)
        {
            throw Fail($"agent operation failed: start: machine '{name}' has no image (the emulator boots image machines only)");
        }

        if (!machine.LocalImage)
        {
            // The first start pulls a registry image inside the guest, which needs --net; the emulator reaches no registry.
            throw Fail($"agent operation failed: pull image: {machine.Image}: the emulator reaches no registry (boot local images with -I <docker save archive>)");
        }

        var exists = GuestEngine.Docker(["inspect", "-f", "{{.Id}}", machine.Container]).ExitCode == 0;
        if (!exists)
        {
            var run = new List<string> { "create", "--name", machine.Container, "--network", "none", "--init", "--hostname", name };
            foreach (var (key, value) in machine.Labels)
            {
                run.AddRange(["--label", key + "=" + value]);
            }

            run.AddRange(["--label", "dev.botbottle.smolvm-emulator=" + store.Root]);
            // smolvm never checks a --mount-socket host path: libkrun dials it once per guest connection, and a bridge
            // that cannot be set up is only a warn! in the boot process (src/agent/launcher.rs), not a start error. A
            // missing host path (or SMOLVM_EMULATOR_FAULT=mount-socket, a failed bridge) leaves the guest path absent:
            // a bind of a missing path would make docker create a directory there instead.
            var bridges = !(Environment.GetEnvironmentVariable("SMOLVM_EMULATOR_FAULT") ?? "").Split(',').Contains("mount-socket");
            foreach (var socket in machine.MountSockets.Where(s => bridges && Path.Exists(s[0])))
            {
                run.AddRange(["-v", socket[0] + ":" + socket[1]]);
            }

            foreach (var volume in machine.Volumes)
            {
                run.AddRange(["-v", volume]);
            }

            // A microVM gets its vCPUs whatever the host has; a container may not ask for more than the host has.
            run.AddRange(["--cpus", Math.Min(machine.Cpus, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture)]);
            if (machine.Command.Count > 0)
            {
                run.AddRange(["--entrypoint", machine.Command[0], machine.Image, .. machine.Command.Skip(1)]);
            }
            else
            {
                run.Add(machine.Image);
            }

            var created = GuestEngine.Docker(run);
            if (created.ExitCode != 0)
            {
                throw Fail($"agent operation failed: start: {created.Stderr.Trim()}");
            }
        }

        var started = GuestEngine.Docker(["start", machine.Container]);
        if (started.ExitCode != 0)
        {
            throw Fail($"agent operation failed: start: {started.Stderr.Trim()}");
        }

        machine.State = "running";
        machine.Pid = GuestEngine.Pid(machine.Container);
        store.Save(machine);
        Console.WriteLine($"Machine '{name}' running (PID: {machine.Pid ?? 0})");
        return 0;
    }

    private int Stop(ParsedArgs a)
    {
        var name = a.Value("name") ?? "default";
        var machine = store.Get(name) ?? throw NotFound(name);
        if (!GuestEngine.IsRunning(machine.Container))
        {
            // stop_vm_named: "Machine 'X' is not running (state: ...)", exit 0, with the record's state (RecordState's
            // Display, src/config.rs): "created" for a machine never started.
            var state = machine.State == "created" ? "created" : "stopped";
            machine.State = state;
            store.Save(machine);
            Console.WriteLine($"Machine '{name}' is not running (state: {state})");
            return 0;
        }

        Console.WriteLine($"Stopping machine '{name}'...");
        GuestEngine.Docker(["stop", "-t", "1", machine.Container]);
        machine.State = "stopped";
        machine.Pid = null;
        store.Save(machine);
        Console.WriteLine($"Stopped machine: {name}");
        return 0;
    }

    private int Delete(ParsedArgs a)
    {
        var name = a.Value("name") ?? throw new UsageException("error: the following required arguments were not provided:\n  --name <NAME>\n\nUsage: smolvm machine delete --name <NAME>\n\nFor more information, try '--help'.", 2);
        var machine = store.Get(name) ?? throw NotFound(name);
        if (!a.Has("force"))
        {
            // delete_vm: without -f it asks on stdin; anything but y/yes prints "Cancelled" and exits 0 (before v1.17).
            Console.Error.Write($"Delete machine '{name}'? [y/N] ");
            var answer = Console.In.ReadLine()?.Trim().ToLowerInvariant();
            if (answer is not ("y" or "yes"))
            {
                Console.WriteLine("Cancelled");
                return 0;
            }
        }

        if (GuestEngine.IsRunning(machine.Container))
        {
            Console.WriteLine($"Stopping machine '{name}'...");
        }

        GuestEngine.Remove(machine.Container);
        using (store.Lock())
        {
            store.Delete(name);
        }

        Console.WriteLine($"Deleted machine: {name}");
        return 0;
    }

    private int Exec(ParsedArgs a)
    {
        var name = a.Value("name") ?? "default";
        var machine = store.Get(name) ?? throw NotFound(name);
        Connect(machine);

        // Env: the image's, the record's (create -e), --secret-env resolved from this process's environment, then -e on top.
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var spec in machine.Env.Concat(a.All("env")))
        {
            AddEnv(env, spec);
        }

        foreach (var spec in a.All("secret-env"))
        {
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Fail($"config operation failed: --secret-env: expected KEY=VALUE, got '{spec}'");
            }

            var hostVar = spec[(eq + 1)..];
            var value = Environment.GetEnvironmentVariable(hostVar)
                ?? throw Fail($"config operation failed: secret '{spec[..eq]}': environment variable '{hostVar}' is not set");
            env[spec[..eq]] = value;
        }

        foreach (var spec in a.All("env"))
        {
            AddEnv(env, spec);
        }

        // From v1.6.0 exec runs as the image's USER (957bd755); before, as root.
        var user = Release >= new Version(1, 6, 0) && machine.ImageUser.Length > 0 ? machine.ImageUser : "0";
        var docker = new List<string> { "exec" };
        foreach (var key in env.Keys)
        {
            docker.AddRange(["-e", key]);
        }

        docker.AddRange(["-u", user]);
        var workdir = a.Value("workdir") ?? machine.Workdir;
        if (workdir is not null)
        {
            docker.AddRange(["-w", workdir]);
        }

        if (a.Has("detach"))
        {
            // exec -d (v1.3.0+): starts it in the background and prints its pid.
            docker.AddRange([machine.Container, "/bin/sh", "-c", "nohup \"$@\" >/dev/null 2>&1 </dev/null & echo $!", "detach", .. a.Trailing]);
            var detached = GuestEngine.Docker(docker, environment: env);
            Console.Write(detached.Stdout);
            return detached.ExitCode;
        }

        using var slot = store.AcquireSlot(name);
        if (a.Has("interactive") || a.Has("tty"))
        {
            docker.InsertRange(1, a.Has("tty") ? ["-i", "-t"] : ["-i"]);
            docker.AddRange([machine.Container, .. a.Trailing]);
            var info = GuestEngine.Start(docker, env);
            info.RedirectStandardOutput = false;
            info.RedirectStandardError = false;
            using var interactive = Process.Start(info)!;
            interactive.WaitForExit();
            return interactive.ExitCode;
        }

        return RunBuffered(machine, docker, env, a.Trailing, a.Value("timeout"), a.Has("stream"));
    }

    /// <summary>
    /// A non-interactive exec. The guest command runs under a watcher whose stdin is this process: when the smolvm
    /// CLI dies or is killed, the guest agent notices the disconnect and kills the exec's processes
    /// (crates/smolvm-agent/src/main.rs), and so does the watcher when its stdin closes. Output is buffered and
    /// printed after exit, all of stdout and then all of stderr, each capped at 11 MiB; <c>--timeout</c> ends the
    /// command with exit 124 and "command timed out after Nms" appended to stderr (crates/smolvm-agent/src/storage.rs).
    /// </summary>
    private static int RunBuffered(Machine machine, List<string> docker, Dictionary<string, string> env, IReadOnlyList<string> argv, string? timeout, bool stream)
    {
        var marker = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        const string watcher =
            "m=\"$1\"; shift; exec 3<&0; \"$@\" </dev/null 3<&- & child=$!; " +
            "mkdir -p " + ExecPids + "; echo \"$child\" > " + ExecPids + "/\"$m\"; " + Descendants +
            "{ while read -r _ <&3; do :; done; trap '' TERM; kill -KILL $(descendants \"$child\") 2>/dev/null; } >/dev/null 2>&1 & watch=$!; " +
            "exec 3<&-; wait \"$child\"; rc=$?; kill \"$watch\" 2>/dev/null; rm -f " + ExecPids + "/\"$m\"; exit \"$rc\"";
        docker.InsertRange(1, ["-i"]);
        docker.AddRange([machine.Container, "/bin/sh", "-c", watcher, "exec-watch", marker, .. argv]);
        var info = GuestEngine.Start(docker, env);
        info.RedirectStandardInput = true;
        using var process = Process.Start(info)!;
        var stdout = stream ? CopyAsync(process.StandardOutput.BaseStream, Console.OpenStandardOutput()) : GuestEngine.ReadCappedAsync(process.StandardOutput.BaseStream, MaxExecOutput);
        var stderr = stream ? CopyAsync(process.StandardError.BaseStream, Console.OpenStandardError()) : GuestEngine.ReadCappedAsync(process.StandardError.BaseStream, MaxExecOutput);
        var timedOut = false;
        var limit = timeout is null ? (TimeSpan?)null : Durations.TryParse(timeout, out var d) ? d : null;
        if (limit is { } l && !process.WaitForExit(l))
        {
            timedOut = true;
            GuestEngine.Docker(["exec", "-u", "0", machine.Container, "/bin/sh", "-c",
                Descendants + "root=$(cat " + ExecPids + "/\"$1\" 2>/dev/null) && kill -KILL $(descendants \"$root\") 2>/dev/null; exit 0", "kill", marker]);
        }

        process.WaitForExit();
        var output = stdout.GetAwaiter().GetResult();
        var errors = stderr.GetAwaiter().GetResult();
        using (var console = Console.OpenStandardOutput())
        {
            console.Write(output);
        }

        using (var console = Console.OpenStandardError())
        {
            console.Write(errors);
            if (timedOut)
            {
                console.Write(System.Text.Encoding.UTF8.GetBytes($"\ncommand timed out after {(long)limit!.Value.TotalMilliseconds}ms"));
            }
        }

        return timedOut ? 124 : process.ExitCode;
    }

    private static async Task<byte[]> CopyAsync(Stream from, Stream to)
    {
        await from.CopyToAsync(to).ConfigureAwait(false);
        return [];
    }

    private int Copy(ParsedArgs a)
    {
        var source = a.Positionals["SRC"];
        var destination = a.Positionals["DST"];

        // The direction comes from the first ':' of SRC, then of DST, so a local path with a ':' is misparsed (src/cli/machine.rs CpCmd).
        if (source.IndexOf(':', StringComparison.Ordinal) is var s and > 0)
        {
            var machineName = source[..s];
            _ = store.Get(machineName) ?? throw NotFound(machineName);
            throw Fail("the emulator copies into machines only");
        }

        var colon = destination.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw Fail("config operation failed: cp: exactly one of SRC and DST must be a machine path (NAME:PATH)");
        }

        var name = destination[..colon];
        var guestPath = destination[(colon + 1)..];
        var machine = store.Get(name) ?? throw NotFound(name);
        Connect(machine);
        if (!File.Exists(source))
        {
            throw Fail($"io operation failed: {source}: No such file or directory (os error 2)");
        }

        if (Release < new Version(1, 9, 0) && new FileInfo(source).Length > 1024 * 1024)
        {
            // Before e432c7eb (1.9.0) an upload over FILE_WRITE_SINGLE_SHOT_MAX (1 MiB) takes the streaming path
            // (src/agent/client.rs write_file_from_reader_with_progress), whose file lands outside the workload's
            // container: the copy succeeds and the workload never sees it.
            return 0;
        }

        var copied = GuestEngine.Docker(["cp", source, machine.Container + ":" + guestPath]);
        if (copied.ExitCode != 0)
        {
            throw Fail($"agent operation failed: write file: {copied.Stderr.Trim()}");
        }

        // Uploads are root-owned; from v1.9.0 --uid/--gid/--mode set owner and mode (e432c7eb #997).
        var uid = a.Value("uid") ?? "0";
        var gid = a.Value("gid") ?? "0";
        var script = "chown \"$2:$3\" \"$1\"" + (a.Value("mode") is null ? "" : " && chmod \"$4\" \"$1\"");
        GuestEngine.Docker(["exec", "-u", "0", machine.Container, "/bin/sh", "-c", script, "cp", guestPath, uid, gid, a.Value("mode") ?? ""]);
        return 0;
    }

    private int List(ParsedArgs a)
    {
        var machines = store.All();
        if (!a.Has("json"))
        {
            if (machines.Count == 0)
            {
                Console.WriteLine("No machines found");
            }

            foreach (var machine in machines)
            {
                Console.WriteLine($"{machine.Name}\t{StateOf(machine)}");
            }

            return 0;
        }

        Console.WriteLine(JsonSerializer.Serialize(machines.Select(StatusObject), Indented));
        return 0;
    }

    private int Status(ParsedArgs a)
    {
        var name = a.Value("name") ?? "default";
        var machine = store.Get(name);
        if (a.Has("json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(StatusObject(machine ?? throw Fail($"config operation failed: machine status: machine '{name}' not found")), Indented));
            return 0;
        }

        if (machine is null)
        {
            throw NotFound(name);
        }

        var state = StateOf(machine);
        Console.WriteLine(state == "running" ? $"Machine '{name}': running (PID: {machine.Pid ?? 0})" : $"Machine '{name}': {state}");
        return 0;
    }

    /// <summary>
    /// machine_status_json (src/cli/vm_common.rs): the same object for ls --json and status --json, serialised by
    /// serde_json without preserve_order, so its keys come out in alphabetical order. <c>image</c> is the record's
    /// reference (<c>local:&lt;sha256&gt;</c> for an archive), <c>pid</c> the record's; labels from v1.8.0.
    /// </summary>
    private SortedDictionary<string, object?> StatusObject(Machine machine)
    {
        var obj = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = machine.Name,
            ["state"] = StateOf(machine),
            ["cpus"] = machine.Cpus,
            ["memory_mib"] = machine.MemoryMib,
            ["pid"] = machine.Pid,
            ["mounts"] = machine.Volumes.Count,
            ["ports"] = machine.Ports,
            ["created_at"] = machine.CreatedAt,
            ["storage_gb"] = null,
            ["overlay_gb"] = null,
            ["image"] = machine.Reference ?? machine.Image,
            ["entrypoint"] = Array.Empty<string>(),
            ["cmd"] = machine.Command,
            ["ephemeral"] = false,
            ["gpu"] = false,
            ["gpu_vram_mib"] = null,
            ["restart_policy"] = "never",
            ["restart_max_retries"] = 0,
            ["restart_count"] = 0,
            ["health_cmd"] = null,
            ["health_interval_secs"] = null,
            ["health_timeout_secs"] = null,
            ["health_retries"] = null,
            ["health_startup_grace_secs"] = null,
            ["network"] = machine.Network,
        };
        if (Release >= new Version(1, 8, 0))
        {
            obj["labels"] = machine.Labels;
        }

        if (Release >= new Version(1, 9, 3))
        {
            obj["cuda"] = false;
            obj["forkable"] = false;
            obj["cuda_fork_pool_size"] = null;
            obj["cuda_vram_limit_mib"] = null;
            obj["forkpoint_held"] = false;
        }

        return obj;
    }

    /// <summary>
    /// ensure_running_and_connect (src/cli/vm_common.rs): every exec and cp first pings the agent over its
    /// 8-connection listener with a 3 s probe timeout (connect_for_state_probe, src/agent/manager.rs). When all eight
    /// are held, the ping times out: the record of a live machine becomes "unreachable" (mark_unreachable_if_zombie)
    /// and the command fails with "not running". An unreachable record stays so (resolve_state passes it through)
    /// until the next start recovers it; execs still work once the agent answers again.
    /// </summary>
    private void Connect(Machine machine)
    {
        var notRunning = Fail($"agent operation failed: connect: machine '{machine.Name}' is not running. Use 'smolvm machine start --name {machine.Name}' first.");
        if (!GuestEngine.IsRunning(machine.Container))
        {
            throw notRunning;
        }

        using var ping = store.AcquireSlot(machine.Name, TimeSpan.FromSeconds(3));
        if (ping is null)
        {
            using (store.Lock())
            {
                if (store.Get(machine.Name) is { } record && record.State == "running")
                {
                    record.State = "unreachable";
                    store.Save(record);
                }
            }

            throw notRunning;
        }
    }

    private static string StateOf(Machine machine) =>
        machine.State == "created" ? "created" : !GuestEngine.IsRunning(machine.Container) ? "stopped" : machine.State == "unreachable" ? "unreachable" : "running";

    /// <summary>looks_local (src/data/image_source.rs).</summary>
    private static bool LooksLocal(string image) =>
        image.StartsWith('/') || image.StartsWith("./", StringComparison.Ordinal) || image.StartsWith("../", StringComparison.Ordinal)
        || image.EndsWith(".tar", StringComparison.Ordinal) || image.EndsWith(".tar.gz", StringComparison.Ordinal) || image.EndsWith(".tgz", StringComparison.Ordinal);

    /// <summary>max_archive_bytes (src/data/image_source.rs): SMOLVM_MAX_IMAGE_BYTES when positive, else 8 GiB; --max-image-size sets it (bytes only here).</summary>
    private static long MaxArchiveBytes(string? flag)
    {
        var text = flag ?? Environment.GetEnvironmentVariable("SMOLVM_MAX_IMAGE_BYTES");
        return long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0 ? bytes : 8L * 1024 * 1024 * 1024;
    }

    private int PackCreate(ParsedArgs a)
    {
        var output = a.Value("output")!;
        if (Release >= new Version(1, 7, 0) && output.EndsWith(".smolmachine", StringComparison.Ordinal))
        {
            throw Fail("config operation failed: pack: -o names the stub executable; the sidecar is written as <PATH>.smolmachine (drop the .smolmachine extension)");
        }

        if (a.Value("image") is { } image)
        {
            // pack create pulls the reference inside a helper VM with crane (src/cli/pack.rs, crates/smolvm-agent/src/storage.rs):
            // a name that exists only in the local docker engine is not in any registry. [I: the exact crane error text is the registry's.]
            throw Fail($"agent operation failed: pull image: {image}: the image is pulled from its registry inside a helper VM, and no registry has it (a local image is booted with `machine create -I <docker save archive>`)");
        }

        throw Fail("the emulator packs no machines");
    }

    private static void AddEnv(Dictionary<string, string> env, string spec)
    {
        // parse_env_spec (src/util.rs): K=V; a bare K copies the host's value; a malformed entry is silently skipped.
        var eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0)
        {
            env[spec[..eq]] = spec[(eq + 1)..];
        }
        else if (eq < 0 && spec.Length > 0 && Environment.GetEnvironmentVariable(spec) is { } value)
        {
            env[spec] = value;
        }
    }

    /// <summary>validate_vm_name (src/data/mod.rs).</summary>
    private static string? ValidateName(string name)
    {
        const string label = "machine name";
        if (name.Length == 0)
        {
            return $"{label} cannot be empty";
        }

        if (name.Length > 128)
        {
            return $"{label} too long: {name.Length} characters (max 128)";
        }

        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            return $"{label} must start with a letter or digit (got: \"{name}\")";
        }

        if (name.EndsWith('-'))
        {
            return $"{label} cannot end with a hyphen (got: \"{name}\")";
        }

        if (name.Contains("--", StringComparison.Ordinal))
        {
            return $"{label} cannot contain consecutive hyphens";
        }

        if (name.Contains('/') || name.Contains('\\'))
        {
            return $"{label} cannot contain path separators";
        }

        return name.FirstOrDefault(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_') is var bad and not '\0'
            ? $"{label} contains invalid character: '{bad}'"
            : null;
    }
}
