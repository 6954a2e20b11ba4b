using System.Formats.Tar;

namespace BotBottle.Testing.Guest;

/// <summary>The tar stream the engine's archive endpoint extracts at <c>/</c>: every entry with its own owner and mode.</summary>
internal static class GuestArchive
{
    /// <summary>A tar of <paramref name="files"/>, paths relative to the guest's root, in the order given (directories before their contents).</summary>
    public static async Task<MemoryStream> CreateAsync(IReadOnlyList<IAgentRuntime.GuestFile> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var buffer = new MemoryStream();
        await using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var name = file.GuestPath.TrimStart('/');
                if (file.IsDirectory)
                {
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, name + "/") { Uid = file.Uid, Gid = file.Gid, Mode = file.Mode }, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { Uid = file.Uid, Gid = file.Gid, Mode = file.Mode };
                if (file.HostPath is { } hostPath)
                {
                    entry.ModificationTime = File.GetLastWriteTimeUtc(hostPath);
                    var content = File.OpenRead(hostPath);
                    await using (content.ConfigureAwait(false))
                    {
                        entry.DataStream = content;
                        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                    }
                }
                else
                {
                    using var content = new MemoryStream(file.Content!.Value.ToArray());
                    entry.DataStream = content;
                    await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        buffer.Position = 0;
        return buffer;
    }
}
