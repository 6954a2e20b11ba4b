using BotBottle.Testing.Smolmachines;
using CliWrap.Buffered;

namespace BotBottle.Testing.Tests.Support;

/// <summary>
/// The smolvm emulator (tests/BotBottle.Testing.SmolvmEmulator) of one release, as `smolvm` on a private PATH,
/// with its own state directory: the grammar, state, messages and exit codes of that release, and a container as
/// its guest. Not a VM: every report names its column "smolmachines (emulated smolvm X.Y.Z)".
/// </summary>
internal sealed class EmulatedSmolvm : IDisposable
{
    /// <summary>The newest release whose source the emulator was built from.</summary>
    public const string Current = "1.9.3";

    /// <summary>A release before 1.8.0 (no labels; the proxy socket is not in the workload's container).</summary>
    public const string TooOld = "1.7.7";

    /// <summary>A 1.8.x release, also below the harness's minimum, 1.9.0 (copies over 1 MiB vanish; no /etc/hosts).</summary>
    public const string Old18 = "1.8.0";

    /// <summary>The images saved for the emulated machines, shared by the test run and removed when it ends.</summary>
    private static readonly string ImageCache = CreateImageCache();

    /// <param name="version">The emulated release.</param>
    /// <param name="executableName">The file name smolvm runs under (smolvm notes any name but smolvm and smolvm-bin).</param>
    /// <param name="inheritedRustLog">A RUST_LOG the user's shell exports (the wrapper sets it unless its caller does).</param>
    public EmulatedSmolvm(string version = Current, string executableName = "smolvm", string? inheritedRustLog = null)
    {
        Version = version;
        Directory = System.IO.Directory.CreateTempSubdirectory("bbt-smolvm-").FullName;
        var bin = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "bin")).FullName;
        ExecutablePath = Path.Combine(bin, executableName);
        var emulator = Path.Combine(AppContext.BaseDirectory, "smolvm-emulator.dll");
        var rustLog = inheritedRustLog is null ? "" : $": \"${{RUST_LOG={inheritedRustLog}}}\"; export RUST_LOG\n";
        File.WriteAllText(ExecutablePath, $"#!/bin/sh\n{rustLog}SMOLVM_EMULATOR_EXE=\"$0\" SMOLVM_EMULATOR_VERSION='{version}' exec '{DotnetHost}' '{emulator}' \"$@\"\n");
        File.SetUnixFileMode(ExecutablePath, (UnixFileMode)0b111_101_101);
        Options = new SmolmachinesOptions
        {
            Smolvm = executableName,
            SearchPath = bin + Path.PathSeparator + "/usr/local/bin:/usr/bin:/bin",
            Environment = new Dictionary<string, string?> { ["XDG_DATA_HOME"] = Path.Combine(Directory, "data") },
            ImageCacheDirectory = ImageCache,
            ReadyTimeout = TimeSpan.FromSeconds(60),
            ReadyPollInterval = TimeSpan.FromMilliseconds(100),
            RetrySettle = TimeSpan.FromMilliseconds(50),
            Platform = HostPlatform.Emulator,
            Cpus = 1,
            MemoryMib = 1024,
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Cleanup();
    }

    public string Version { get; }

    public string Directory { get; }

    public string ExecutablePath { get; }

    public SmolmachinesOptions Options { get; }

    public SmolmachinesBackend Backend(Microsoft.Extensions.Logging.ILogger? logger = null) => new(Options, logger);

    /// <summary>The emulator's own machine store under this state directory (what its processes share).</summary>
    public SmolvmEmulator.MachineStore Store() => new(Options.Environment["XDG_DATA_HOME"]!);

    /// <summary>Runs the emulated CLI directly (as a user would), for tests of the emulator itself.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var result = await CliWrap.Cli.Wrap(ExecutablePath).WithArguments(args).WithEnvironmentVariables(Options.Environment)
            .WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        return (result.ExitCode, result.StandardOutput, result.StandardError);
    }

    public void Dispose() => Cleanup();

    private static string CreateImageCache()
    {
        var cache = System.IO.Directory.CreateTempSubdirectory("bbt-smolvm-images-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(cache);
        return cache;
    }

    private static void Delete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // Guest containers the tests left are removed by the harness's sweeper (their labels); the state goes here.
    private void Cleanup() => Delete(Directory);

    private static string DotnetHost =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : System.Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}
