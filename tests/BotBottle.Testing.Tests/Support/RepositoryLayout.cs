namespace BotBottle.Testing.Tests.Support;

/// <summary>Where the repository and its built outputs are, seen from the test assembly.</summary>
public static class RepositoryLayout
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string Root { get; } = FindRoot();

    public static string Solution => Path.Combine(Root, "BotBottle.Testing.sln");

    /// <summary>The CLI the solution build produced (what the MSBuild package ships in tools/cli).</summary>
    public static string CliDll => Path.Combine(Root, "src", "BotBottle.Testing.Cli", "bin", Configuration, "net8.0", "botbottle.dll");

    /// <summary>A command that runs the built CLI (<c>dotnet botbottle.dll …</c>).</summary>
    public static CliWrap.Command Cli(IReadOnlyList<string> arguments) =>
        CliWrap.Cli.Wrap(DotnetHost).WithArguments([CliDll, .. arguments]);

    /// <summary>The dotnet host running the tests.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";

    public static string ConsumerSample => Path.Combine(Root, "samples", "BottleConsumer");

    /// <summary>Where failing end-to-end builds leave their binary logs.</summary>
    public static string KeptBinlogs => Path.Combine(Root, "artifacts", "test-results", "binlogs");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BotBottle.Testing.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the test assembly is not inside the BotBottle.Testing repository");
    }
}
