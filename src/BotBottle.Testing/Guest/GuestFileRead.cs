using System.Globalization;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Guest;

/// <summary>
/// Copy-out: a guest file read back as bytes, as a guest user (so that user's permissions decide), with a size cap.
/// The file travels base64 on the exec's stdout (binary-safe on every backend); at most cap + 1 bytes are read, so a
/// file that grows while it is read is still refused rather than truncated.
/// </summary>
internal static class GuestFileRead
{
    /// <summary>The cap when the caller gives none: 16 MiB.</summary>
    public const int DefaultMaxBytes = 16 * 1024 * 1024;

    private const int IsDirectory = 20;
    private const int IsMissing = 21;
    private const int IsUnreadable = 22;

    private const string Script =
        "f=$1 n=$2\n" +
        "[ -d \"$f\" ] && exit 20\n" +
        "[ -e \"$f\" ] || exit 21\n" +
        "{ head -c \"$n\" | base64 -w 0; } < \"$f\" 2>/dev/null || exit 22\n";

    /// <summary>The argv that reads <paramref name="guestPath"/> as <paramref name="user"/>.</summary>
    public static IReadOnlyList<string> Command(string user, string guestPath, int maxBytes) =>
        [.. GuestCommand.AsUser(user), GuestCommand.Shell, "-c", Script, "read-file", guestPath, (maxBytes + 1L).ToString(CultureInfo.InvariantCulture)];

    /// <summary>Reads <paramref name="guestPath"/> as <paramref name="user"/> through <paramref name="exec"/> (argv as root in the agent).</summary>
    public static async Task<byte[]> ReadAsync(Func<IReadOnlyList<string>, CancellationToken, Task<BottleExecResult>> exec, string bottle, string guestPath, string user, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exec);
        ArgumentException.ThrowIfNullOrEmpty(guestPath);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (!guestPath.StartsWith('/'))
        {
            throw new ArgumentException($"'{guestPath}' is not an absolute guest path", nameof(guestPath));
        }

        var result = await exec(Command(user, guestPath, maxBytes), cancellationToken).ConfigureAwait(false);
        var where = $"{guestPath} in bottle {bottle}";
        var bytes = result.ExitCode switch
        {
            0 => Convert.FromBase64String(result.Stdout.Trim()),
            IsDirectory => throw new IOException($"cannot read {where}: it is a directory (ReadFileAsync reads one file)"),
            IsMissing => throw new FileNotFoundException($"cannot read {where}: no such file{(user == GuestUsers.Root ? "" : $" (or {user} cannot see it)")}", guestPath),
            IsUnreadable => throw new UnauthorizedAccessException($"cannot read {where}: {user} may not read it"),
            _ => throw new IOException($"cannot read {where} as {user}: exit {result.ExitCode}: {result.Stderr.Trim()}"),
        };
        return bytes.Length <= maxBytes
            ? bytes
            : throw new IOException($"cannot read {where}: it is larger than the cap of {maxBytes} bytes (pass a larger maxBytes)");
    }
}
