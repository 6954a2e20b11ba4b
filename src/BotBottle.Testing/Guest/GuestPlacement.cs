using System.Globalization;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Guest;

/// <summary>
/// A copy into a running agent that never follows a symbolic link the guest planted: the files are uploaded into a
/// fresh folder only root can enter (<c>mktemp -d</c>, mode 0700), then <c>guest-place.pl</c>, run as root with the
/// image's perl, walks to the target one verified component at a time and writes each file there with no-follow
/// semantics (see the script). A link anywhere on the way (a folder <c>node</c> swapped for a link to
/// <c>/etc/profile.d</c>, say) fails the copy with the path that is a link; it never redirects it. The staging
/// folder is removed whatever happens.
/// </summary>
internal static class GuestPlacement
{
    /// <summary>The mode of a file written from content when none is given: 0644.</summary>
    public const UnixFileMode DefaultFileMode = (UnixFileMode)0b110_100_100;

    private const string Prepare = "stage=$(mktemp -d /tmp/bbt-stage.XXXXXXXXXX) && id -u -- \"$1\" && id -g -- \"$1\" && echo \"$stage\"";

    private static readonly Lazy<string> Placer = new(() => Resources.EmbeddedText.Read("BotBottle.Testing.Guest.guest-place.pl"));

    /// <summary>Copies <paramref name="hostPath"/> (a file or a directory tree) to <paramref name="guestPath"/>, owned by <paramref name="owner"/>.</summary>
    /// <param name="agent">The agent runtime.</param>
    /// <param name="exec">Runs argv as root in the agent (with the bottle's retry).</param>
    /// <param name="hostPath">The host file or directory.</param>
    /// <param name="guestPath">The absolute guest path.</param>
    /// <param name="owner">The guest user who owns the copy.</param>
    /// <param name="mode">The files' mode, or null for the host files' own.</param>
    /// <param name="cancellationToken">Cancels the copy (the staging folder is still removed).</param>
    public static Task CopyAsync(IAgentRuntime agent, Func<IReadOnlyList<string>, CancellationToken, Task<BottleExecResult>> exec, string hostPath, string guestPath, string owner, UnixFileMode? mode, CancellationToken cancellationToken) =>
        PlaceAsync(agent, exec, $"'{hostPath}'", (staged, uid, gid) => IAgentRuntime.GuestFile.From(hostPath, staged, uid, gid, mode), guestPath, owner, cancellationToken);

    /// <summary>Writes <paramref name="content"/> as the file <paramref name="guestPath"/>, owned by <paramref name="owner"/>, the same no-follow way.</summary>
    public static Task CopyAsync(IAgentRuntime agent, Func<IReadOnlyList<string>, CancellationToken, Task<BottleExecResult>> exec, ReadOnlyMemory<byte> content, string guestPath, string owner, UnixFileMode? mode, CancellationToken cancellationToken) =>
        PlaceAsync(agent, exec, $"{content.Length} bytes", (staged, uid, gid) => [new IAgentRuntime.GuestFile(staged, null, content, uid, gid, mode ?? DefaultFileMode)], guestPath, owner, cancellationToken);

    private static async Task PlaceAsync(IAgentRuntime agent, Func<IReadOnlyList<string>, CancellationToken, Task<BottleExecResult>> exec, string shown, Func<string, int, int, IReadOnlyList<IAgentRuntime.GuestFile>> files, string guestPath, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(exec);
        if (!guestPath.StartsWith('/'))
        {
            throw new ArgumentException($"'{guestPath}' is not an absolute guest path", nameof(guestPath));
        }

        var prepared = (await exec(["/bin/sh", "-c", Prepare, "prepare-copy", owner], cancellationToken).ConfigureAwait(false)).ThrowOnFailure();
        var lines = prepared.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ((uid, gid), stage) = (GuestIds.Read(lines, 0), lines[2]);
        var staged = stage + "/copy";
        try
        {
            await agent.UploadAsync(files(staged, uid, gid), cancellationToken).ConfigureAwait(false);
            var placed = await exec(["perl", "-e", Placer.Value, staged, guestPath, Argv.Number(uid), Argv.Number(gid)], cancellationToken).ConfigureAwait(false);
            if (placed.ExitCode != 0)
            {
                var why = placed.ExitCode == 127 ? "the image has no perl, which copy-in needs to place files without following links" : placed.Stderr.Trim();
                throw new IOException($"cannot copy {shown} to {guestPath}: {why}");
            }
        }
        finally
        {
            // Not cancellable: the caller's token may have fired, and this is the cleanup of what the copy started.
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await exec(["rm", "-rf", "--", stage], limit.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // The bottle is going away; so is its /tmp.
            }
        }
    }
}
