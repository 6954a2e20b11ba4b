using System.Globalization;

namespace BotBottle.Testing.SmolvmEmulator;

/// <summary>
/// smolvm's tracing on stderr (src/main.rs init_logging): the filter is <c>smolvm=warn</c> unless RUST_LOG is set,
/// and then RUST_LOG's (an EnvFilter: a bare level applies to every target); lines are tracing-subscriber's fmt
/// format without the target: <c>TIMESTAMP LEVEL message fields</c>. Only directives that name a bare level or the
/// <c>smolvm</c> target are understood here.
/// </summary>
internal static class Tracing
{
    private static readonly string[] Levels = ["error", "warn", "info", "debug", "trace"];

    public static bool Enabled(string level)
    {
        var configured = "warn";
        if (Environment.GetEnvironmentVariable("RUST_LOG") is { } rustLog)
        {
            configured = rustLog.Split(',').Select(d => d.Trim().ToLowerInvariant()).Select(d => d.StartsWith("smolvm=", StringComparison.Ordinal) ? d["smolvm=".Length..] : d)
                .LastOrDefault(d => Array.IndexOf(Levels, d) >= 0) ?? "warn";
        }

        return Array.IndexOf(Levels, level) <= Array.IndexOf(Levels, configured);
    }

    public static void Line(string level, string message) =>
        Console.Error.WriteLine($"{DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)} {level,5} {message}");
}

/// <summary>A Rust panic (exit 101), injected by the harness's tests with SMOLVM_EMULATOR_FAULT=panic:COMMAND.</summary>
internal sealed class PanicException(string message, string location) : Exception(message)
{
    public string Location { get; } = location;
}
