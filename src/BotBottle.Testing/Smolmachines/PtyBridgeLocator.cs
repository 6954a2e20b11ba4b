namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// Finds the bridge shipped beside this library and returns the absolute command that starts it, so
/// it runs from any working directory (a tmux pane opens in its own cwd).
/// </summary>
internal static class PtyBridgeLocator
{
    /// <summary>The bridge's executable name.</summary>
    public const string ExecutableName = "botbottle-pty-bridge";

    /// <summary>The configured bridge command (its executable checked), or the one shipped beside this library.</summary>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string>? configured)
    {
        if (configured is null)
        {
            return DefaultCommand();
        }

        if (configured.Count == 0 || (configured[0].Contains('/', StringComparison.Ordinal) ? !File.Exists(configured[0]) : Processes.ToolLocator.Find(configured[0]) is null))
        {
            throw new FileNotFoundException($"the PTY-resize bridge command '{string.Join(' ', configured)}' (SmolmachinesOptions.PtyBridgeCommand) does not exist");
        }

        return configured;
    }

    /// <summary>The command for the bridge beside this assembly: its apphost, or <c>dotnet &lt;dll&gt;</c>.</summary>
    public static IReadOnlyList<string> DefaultCommand()
    {
        var directory = Path.GetDirectoryName(typeof(PtyBridgeLocator).Assembly.Location) is { Length: > 0 } d ? d : AppContext.BaseDirectory;
        var appHost = Path.Combine(directory, OperatingSystem.IsWindows() ? ExecutableName + ".exe" : ExecutableName);
        if (File.Exists(appHost))
        {
            return [appHost];
        }

        var dll = Path.Combine(directory, ExecutableName + ".dll");
        if (File.Exists(dll))
        {
            return [DotnetHost(), dll];
        }

        throw new FileNotFoundException($"the PTY-resize bridge ({ExecutableName}) is not beside {directory}; set SmolmachinesOptions.PtyBridgeCommand", appHost);
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Processes.ToolLocator.Find("dotnet") ?? "dotnet";
    }
}
