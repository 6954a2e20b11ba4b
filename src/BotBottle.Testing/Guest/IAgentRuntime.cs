using BotBottle.Testing.Bottles;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Guest;

/// <summary>
/// What a backend's agent is to the rest of the harness: somewhere to run argv as root, to upload files
/// into, and to start interactively from the host. The docker backend's is a container, the smolmachines
/// backend's a microVM driven by smolvm; a backend of your own returns one from
/// <see cref="Launch.BottleBackend.LaunchAgentAsync"/>. Exec semantics (the user switch with <c>runuser -u</c>,
/// HOME/USER, the guest env, the 137 retry) and copy-in without following links are built on top of this once, for
/// every backend: an implementation only runs what it is given, as root.
/// </summary>
/// <example>
/// <code>
/// // docker exec -i -u 0 -e NAME… CONTAINER argv…, with each NAME=value in the docker CLI's own environment
/// public Task&lt;BottleExecResult&gt; ExecAsync(IReadOnlyList&lt;string&gt; argv, IReadOnlyList&lt;KeyValuePair&lt;string, string&gt;&gt; env, CancellationToken ct) =&gt; …;
/// </code>
/// </example>
public interface IAgentRuntime
{
    /// <summary>The agent's address where other containers could name it, or null (a microVM has none).</summary>
    string? Address { get; }

    /// <summary>
    /// Whether the agent's resolver is the engine's (it then resolves its peers, e.g. <c>bundle</c>): the isolation
    /// catalogue's DNS control depends on it. False for an agent whose resolver knows no peer.
    /// </summary>
    bool ResolvesPeers { get; }

    /// <summary>Runs argv as root in the agent with <paramref name="env"/> as its environment, captured; cancelling ends it and what it started.</summary>
    Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, IReadOnlyList<KeyValuePair<string, string>> env, CancellationToken cancellationToken);

    /// <summary>
    /// Places files and directories in the agent as root, each with its owner and mode, in the order given (a directory
    /// before what it holds; the first one's parent exists). A file's bytes are its <see cref="GuestFile.HostPath"/>'s,
    /// or its <see cref="GuestFile.Content"/>. The harness uploads only into a fresh folder only root can enter, then
    /// places the files itself without following links.
    /// </summary>
    Task UploadAsync(IReadOnlyList<GuestFile> files, CancellationToken cancellationToken);

    /// <summary>
    /// The host command that runs <paramref name="guestArgv"/> in the agent as root with <paramref name="env"/>, with a
    /// terminal when <paramref name="tty"/>. The env goes in the host process's environment, never its argv.
    /// </summary>
    IBottle.HostCommandLine HostCommand(IReadOnlyList<string> guestArgv, IReadOnlyList<KeyValuePair<string, string>> env, bool tty);

    /// <summary>The agent's own log (its console, where the backend keeps one).</summary>
    Task<string> LogsAsync(CancellationToken cancellationToken);

    /// <summary>One file or directory to place in a guest (what <see cref="IAgentRuntime.UploadAsync"/> is given).</summary>
    /// <param name="GuestPath">Its absolute guest path.</param>
    /// <param name="HostPath">The host file it comes from (null for a directory or inline content).</param>
    /// <param name="Content">Inline content (when there is no host file).</param>
    /// <param name="Uid">The owner's uid in the guest.</param>
    /// <param name="Gid">The owner's gid in the guest.</param>
    /// <param name="Mode">Its mode.</param>
    public sealed record GuestFile(string GuestPath, string? HostPath, ReadOnlyMemory<byte>? Content, int Uid, int Gid, UnixFileMode Mode)
    {
        /// <summary>A directory entry.</summary>
        public bool IsDirectory => HostPath is null && Content is null;

        /// <summary>The files and directories of a host file or directory, placed at <paramref name="guestPath"/>.</summary>
        internal static IReadOnlyList<GuestFile> From(string hostPath, string guestPath, int uid, int gid, UnixFileMode? fileMode)
        {
            ArgumentException.ThrowIfNullOrEmpty(hostPath);
            ArgumentException.ThrowIfNullOrEmpty(guestPath);
            var target = guestPath.Length > 1 ? guestPath.TrimEnd('/') : guestPath;
            if (File.Exists(hostPath))
            {
                return [new GuestFile(target, hostPath, null, uid, gid, fileMode ?? HostMode(hostPath))];
            }

            if (!System.IO.Directory.Exists(hostPath))
            {
                throw new FileNotFoundException($"nothing to copy: '{hostPath}' does not exist", hostPath);
            }

            var files = new List<GuestFile> { DirectoryEntry(target, uid, gid) };
            foreach (var dir in System.IO.Directory.EnumerateDirectories(hostPath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                files.Add(DirectoryEntry(target + "/" + Relative(hostPath, dir), uid, gid));
            }

            foreach (var file in System.IO.Directory.EnumerateFiles(hostPath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                files.Add(new GuestFile(target + "/" + Relative(hostPath, file), file, null, uid, gid, fileMode ?? HostMode(file)));
            }

            return files;
        }

        /// <summary>A directory owned by uid:gid, mode 0755.</summary>
        internal static GuestFile DirectoryEntry(string guestPath, int uid, int gid) => new(guestPath, null, null, uid, gid, (UnixFileMode)0b111_101_101);

        private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

        private static UnixFileMode HostMode(string file) => OperatingSystem.IsWindows() ? (UnixFileMode)0b110_100_100 : File.GetUnixFileMode(file);
    }
}
