namespace BotBottle.Testing.Facts;

/// <summary>One entry of a path read through the engine's archive API (no process in the container is involved).</summary>
/// <param name="Path">Its absolute path in the container.</param>
/// <param name="Kind">What it is.</param>
/// <param name="LinkTarget">A symbolic link's target, as written in the link (else null).</param>
/// <param name="Content">A regular file's bytes, cut at <see cref="ContainerFiles.MaxFileBytes"/> (else empty).</param>
internal sealed record ArchivedFile(string Path, ArchivedFileKind Kind, string? LinkTarget, ReadOnlyMemory<byte> Content)
{
    /// <summary>The content as UTF-8 text (invalid bytes replaced).</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Content.Span);
}

/// <summary>The kind of an <see cref="ArchivedFile"/>.</summary>
internal enum ArchivedFileKind
{
    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link.</summary>
    Symlink,

    /// <summary>Anything else (device, fifo, hard link).</summary>
    Other,
}
