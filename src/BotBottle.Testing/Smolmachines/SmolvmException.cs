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

    /// <summary>The exit code of a Rust panic (the default hook prints <c>thread '…' panicked at FILE:LINE:COL:</c> and the message).</summary>
    public const int PanicExitCode = 101;

    /// <summary>
    /// True when the output is smolvm's own failure, not the guest's: exit 1 whose first line (after any tracing
    /// lines) is one of its error shapes, the rest being the message's own lines; a usage error (exit 2); or a panic
    /// (exit 101).
    /// </summary>
    public static bool IsSmolvmFailure(int exitCode, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        return exitCode switch
        {
            1 => FirstMessageLine(stderr) is { } line && SmolvmError().IsMatch(line),
            2 => stderr.TrimStart().StartsWith("error: ", StringComparison.Ordinal) && stderr.Contains("Usage: smolvm", StringComparison.Ordinal),
            PanicExitCode => FirstMessageLine(stderr) is { } header && Panic().IsMatch(header),
            _ => false,
        };
    }

    /// <summary>
    /// For an exec: smolvm's failure prints nothing on stdout and its message first on stderr (a usage error, a panic,
    /// or an <c>Error:</c> message, which may run over several lines), and a message about a machine names this one.
    /// A guest that prints the same shape about another machine, or anything on stdout, is the guest. A guest that
    /// itself panics with no output on stdout looks exactly like smolvm's panic and is reported as one.
    /// </summary>
    public static bool IsExecFailure(int exitCode, string stdout, string stderr, string machine)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (exitCode == 2)
        {
            return IsSmolvmFailure(exitCode, stderr);
        }

        if (stdout.Length > 0 || exitCode is not (1 or PanicExitCode) || !IsSmolvmFailure(exitCode, stderr))
        {
            return false;
        }

        if (exitCode == PanicExitCode)
        {
            return true;
        }

        var line = FirstMessageLine(stderr)!;
        return line.StartsWith("Error: vm not found: ", StringComparison.Ordinal) ? line == "Error: vm not found: " + machine
            : !line.Contains("machine '", StringComparison.Ordinal) || line.Contains($"machine '{machine}'", StringComparison.Ordinal);
    }

    /// <summary>The first line of stderr that is neither blank nor one of smolvm's tracing lines (RUST_LOG=error still lets ERROR events through).</summary>
    private static string? FirstMessageLine(string stderr) =>
        stderr.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.Trim().Length > 0 && !TracingLine().IsMatch(l));

    [GeneratedRegex(@"^thread '[^']*' panicked at ", RegexOptions.CultureInvariant)]
    private static partial Regex Panic();

    // tracing-subscriber's fmt lines without ANSI: an RFC 3339 timestamp, the level right-aligned in five columns.
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\s+(ERROR|WARN|INFO|DEBUG|TRACE) ", RegexOptions.CultureInvariant)]
    private static partial Regex TracingLine();

    // src/data/errors.rs #[error(...)] shapes, v1.7.7 through v1.9.3.
    [GeneratedRegex(@"^Error: (vm not found: |vm creation failed: |hypervisor not available: |invalid vm state: |rootfs operation failed: |rootfs not found: |storage operation failed: |disk not found: |mount operation failed: |invalid mount path: |mount source not found: |config operation failed: |database operation failed: |database not available: |command '.*' failed: |agent operation failed: |kvm not available: |kvm permission denied: |io operation failed: )", RegexOptions.CultureInvariant)]
    private static partial Regex SmolvmError();
}
