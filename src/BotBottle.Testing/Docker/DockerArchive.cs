using System.Formats.Tar;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Docker;

/// <summary>Builds the tar stream the engine's archive endpoint extracts, with owner and mode set per entry.</summary>
public static class DockerArchive
{
    /// <summary>
    /// A tar of <paramref name="hostPath"/> (file or directory) whose single top entry is named
    /// <paramref name="entryName"/>, every entry owned by <paramref name="uid"/>:<paramref name="gid"/>;
    /// files get <paramref name="fileMode"/> when given, otherwise their host mode.
    /// </summary>
    public static async Task<MemoryStream> CreateAsync(string hostPath, string entryName, int uid, int gid, UnixFileMode? fileMode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryName);
        var buffer = new MemoryStream();
        await using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            if (File.Exists(hostPath))
            {
                await WriteFileAsync(writer, hostPath, entryName, uid, gid, fileMode, cancellationToken).ConfigureAwait(false);
            }
            else if (Directory.Exists(hostPath))
            {
                await WriteDirectoryEntryAsync(writer, entryName, uid, gid, cancellationToken).ConfigureAwait(false);
                foreach (var dir in Directory.EnumerateDirectories(hostPath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    await WriteDirectoryEntryAsync(writer, entryName + "/" + Relative(hostPath, dir), uid, gid, cancellationToken).ConfigureAwait(false);
                }

                foreach (var item in CopyPlan.For(hostPath, entryName))
                {
                    await WriteFileAsync(writer, item.HostPath, item.GuestPath, uid, gid, fileMode, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                throw new FileNotFoundException($"nothing to copy: '{hostPath}' does not exist", hostPath);
            }
        }

        buffer.Position = 0;
        return buffer;
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    private static async Task WriteFileAsync(TarWriter writer, string file, string name, int uid, int gid, UnixFileMode? mode, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Uid = uid,
            Gid = gid,
            Mode = mode ?? (OperatingSystem.IsWindows() ? (UnixFileMode)0b110_100_100 : File.GetUnixFileMode(file)),
            ModificationTime = File.GetLastWriteTimeUtc(file),
        };
        var content = File.OpenRead(file);
        await using (content.ConfigureAwait(false))
        {
            entry.DataStream = content;
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WriteDirectoryEntryAsync(TarWriter writer, string name, int uid, int gid, CancellationToken cancellationToken) =>
        writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, name + "/") { Uid = uid, Gid = gid, Mode = (UnixFileMode)0b111_101_101 }, cancellationToken);
}
