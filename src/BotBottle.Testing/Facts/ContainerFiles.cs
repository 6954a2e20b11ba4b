using System.Formats.Tar;
using BotBottle.Testing.Engine;

namespace BotBottle.Testing.Facts;

/// <summary>
/// Reads paths of a container through the engine's archive endpoint (<c>GET /containers/{id}/archive</c>): the
/// engine walks the container's filesystem itself, so no program of the image runs and a created, never-started
/// container can be read as well as a running one. What a running container's processes wrote is what is read.
/// </summary>
internal static class ContainerFiles
{
    /// <summary>The most bytes kept of one file (the rest is not read into memory).</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>How many links <see cref="ReadFollowingLinksAsync"/> follows from one path.</summary>
    private const int MaxLinkHops = 8;

    /// <summary>Every entry at <paramref name="path"/> (the path itself, and a directory's whole tree); empty when it does not exist.</summary>
    public static async Task<IReadOnlyList<ArchivedFile>> ReadAsync(EngineContainer container, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = await container.ReadArchiveAsync(path, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return [];
        }

        var parent = ParentOf(path.TrimEnd('/'));
        var files = new List<ArchivedFile>();
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new TarReader(stream);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var full = (parent == "/" ? "/" : parent + "/") + entry.Name.TrimEnd('/');
                files.Add(entry.EntryType switch
                {
                    TarEntryType.Directory => new ArchivedFile(full, ArchivedFileKind.Directory, null, ReadOnlyMemory<byte>.Empty),
                    TarEntryType.SymbolicLink => new ArchivedFile(full, ArchivedFileKind.Symlink, entry.LinkName, ReadOnlyMemory<byte>.Empty),
                    TarEntryType.RegularFile or TarEntryType.V7RegularFile => new ArchivedFile(full, ArchivedFileKind.File, null, await ContentAsync(entry, cancellationToken).ConfigureAwait(false)),
                    _ => new ArchivedFile(full, ArchivedFileKind.Other, entry.LinkName, ReadOnlyMemory<byte>.Empty),
                });
            }
        }

        return files;
    }

    /// <summary>
    /// The regular files at <paramref name="path"/>, each symbolic link (the path's own, or one inside a directory)
    /// replaced by what it points at, read the same way; each result keeps the path it was reached by.
    /// </summary>
    public static async Task<IReadOnlyList<ArchivedFile>> ReadFollowingLinksAsync(EngineContainer container, string path, CancellationToken cancellationToken)
    {
        var result = new List<ArchivedFile>();
        foreach (var file in await ReadAsync(container, path, cancellationToken).ConfigureAwait(false))
        {
            var reached = file;
            for (var hop = 0; reached.Kind == ArchivedFileKind.Symlink && hop < MaxLinkHops; hop++)
            {
                var target = Resolve(ParentOf(reached.Path), reached.LinkTarget ?? "");
                var read = await ReadAsync(container, target, cancellationToken).ConfigureAwait(false);
                reached = read.Count > 0 ? read[0] : new ArchivedFile(target, ArchivedFileKind.Other, null, ReadOnlyMemory<byte>.Empty);
            }

            if (reached.Kind == ArchivedFileKind.File)
            {
                result.Add(reached with { Path = file.Path });
            }
        }

        return result;
    }

    private static async Task<ReadOnlyMemory<byte>> ContentAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        if (entry.DataStream is not { } data)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var buffer = new byte[(int)Math.Min(entry.Length, MaxFileBytes)];
        var read = 0;
        while (read < buffer.Length && await data.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false) is var n and > 0)
        {
            read += n;
        }

        return buffer.AsMemory(0, read);
    }

    private static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    private static string Resolve(string directory, string target) =>
        target.StartsWith('/') ? target : (directory == "/" ? "/" : directory + "/") + target;
}
