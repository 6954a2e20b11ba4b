using System.Text.RegularExpressions;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// smolvm itself failed, as opposed to the guest command. smolvm prints its own failures as
/// <c>Error: &lt;message&gt;</c> and exits 1 (<c>src/main.rs</c>), with messages from a fixed set of shapes
/// (<c>src/data/errors.rs</c>: "vm not found: X", "agent operation failed: OP: REASON", ...); clap's usage
/// errors exit 2 and print <c>error: …</c> with a <c>Usage: smolvm …</c> line. A guest that exits 1 and
/// prints its own "Error: …" matches neither, and its result is the guest's.
/// </summary>
internal sealed partial class SmolvmException : Exception
{
    public SmolvmException(string message, int? exitCode = null, string? stderr = null)
        : base(message)
    {
        ExitCode = exitCode;
        Stderr = stderr;
    }

    public SmolvmException()
    {
    }

    public SmolvmException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>smolvm's exit code, when it ran.</summary>
    public int? ExitCode { get; }

    /// <summary>smolvm's stderr, when it ran.</summary>
    public string? Stderr { get; }

    /// <summary>True when the output is smolvm's own failure (one of its error shapes, or a usage error), not the guest's.</summary>
    public static bool IsSmolvmFailure(int exitCode, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        return exitCode switch
        {
            1 => stderr.Split('\n').Any(line => SmolvmError().IsMatch(line)),
            2 => stderr.TrimStart().StartsWith("error: ", StringComparison.Ordinal) && stderr.Contains("Usage: smolvm", StringComparison.Ordinal),
            _ => false,
        };
    }

    /// <summary>
    /// For an exec: smolvm's failure prints nothing on stdout and exactly one <c>Error:</c> line on stderr (or a
    /// usage error), and a message about a machine names this one. A guest that prints the same shape about another
    /// machine, or anything besides, is the guest.
    /// </summary>
    public static bool IsExecFailure(int exitCode, string stdout, string stderr, string machine)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (exitCode == 2)
        {
            return IsSmolvmFailure(exitCode, stderr);
        }

        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (exitCode != 1 || stdout.Length > 0 || lines.Length != 1 || !IsSmolvmFailure(exitCode, lines[0]))
        {
            return false;
        }

        var line = lines[0];
        return line.StartsWith("Error: vm not found: ", StringComparison.Ordinal) ? line == "Error: vm not found: " + machine
            : !line.Contains("machine '", StringComparison.Ordinal) || line.Contains($"machine '{machine}'", StringComparison.Ordinal);
    }

    // src/data/errors.rs #[error(...)] shapes, v1.7.7 through v1.9.3.
    [GeneratedRegex(@"^Error: (vm not found: |vm creation failed: |hypervisor not available: |invalid vm state: |rootfs operation failed: |rootfs not found: |storage operation failed: |disk not found: |mount operation failed: |invalid mount path: |mount source not found: |config operation failed: |database operation failed: |database not available: |command '.*' failed: |agent operation failed: |kvm not available: |kvm permission denied: |io operation failed: )", RegexOptions.CultureInvariant)]
    private static partial Regex SmolvmError();
}
