namespace BotBottle.Testing.Processes;

/// <summary>Finds executables on a PATH (the process's own, or one a caller supplies).</summary>
internal static class ToolLocator
{
    /// <summary>
    /// The full path of <paramref name="tool"/> found on <paramref name="searchPath"/> (default: this
    /// process's PATH), or null. An absolute or relative path with a separator is checked as is.
    /// </summary>
    public static string? Find(string tool, string? searchPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tool);
        if (tool.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return IsExecutable(tool) ? Path.GetFullPath(tool) : null;
        }

        var path = searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string file)
    {
        if (!File.Exists(file))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        var mode = File.GetUnixFileMode(file);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
