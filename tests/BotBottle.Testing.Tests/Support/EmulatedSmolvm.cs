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

    /// <summary>The harness's minimum supported release.</summary>
    public const string Minimum = "1.8.0";

    /// <summary>The last release before the minimum (its `--from` drops --allow-cidr, and it has no labels).</summary>
    public const string TooOld = "1.7.7";

    /// <summary>The images saved for the emulated machines, shared by the test run and removed when it ends.</summary>
    private static readonly string ImageCache = CreateImageCache();

    public EmulatedSmolvm(string version = Current)
    {
        Version = version;
        Directory = System.IO.Directory.CreateTempSubdirectory("bbt-smolvm-").FullName;
        var bin = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "bin")).FullName;
        ExecutablePath = Path.Combine(bin, "smolvm");
        var emulator = Path.Combine(AppContext.BaseDirectory, "smolvm-emulator.dll");
        File.WriteAllText(ExecutablePath, $"#!/bin/sh\nSMOLVM_EMULATOR_VERSION='{version}' exec '{DotnetHost}' '{emulator}' \"$@\"\n");
        File.SetUnixFileMode(ExecutablePath, (UnixFileMode)0b111_101_101);
        Options = new SmolmachinesOptions
        {
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
