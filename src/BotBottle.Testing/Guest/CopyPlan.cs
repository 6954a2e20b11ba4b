using System.Globalization;

namespace BotBottle.Testing.Guest;

/// <summary>One host file and where it lands in the guest.</summary>
/// <param name="HostPath">The host file.</param>
/// <param name="GuestPath">Its guest destination.</param>
public sealed record CopyItem(string HostPath, string GuestPath);

/// <summary>Expands a host file or directory into per-file copies, and the ownership fix that follows.</summary>
public static class CopyPlan
{
    /// <summary>Every file under <paramref name="hostPath"/> (or the file itself) with its guest destination.</summary>
    public static IReadOnlyList<CopyItem> For(string hostPath, string guestPath)
    {
        if (File.Exists(hostPath))
        {
            return [new CopyItem(hostPath, guestPath)];
        }

        if (!Directory.Exists(hostPath))
        {
            throw new FileNotFoundException($"nothing to copy: '{hostPath}' does not exist", hostPath);
        }

        return Directory.EnumerateFiles(hostPath, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => new CopyItem(f, guestPath.TrimEnd('/') + "/" + Path.GetRelativePath(hostPath, f).Replace(Path.DirectorySeparatorChar, '/')))
            .ToList();
    }

    /// <summary>
    /// A script taking the copied path as <c>$1</c> that gives it (recursively) to <paramref name="owner"/>
    /// and applies <paramref name="mode"/> to the files.
    /// </summary>
    public static string OwnershipScript(string owner, UnixFileMode? mode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        if (!owner.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw new ArgumentException($"'{owner}' is not a user name", nameof(owner));
        }

        var script = $"chown -R {owner}:{owner} \"$1\"";
        if (mode is { } m)
        {
            script += $" && if [ -d \"$1\" ]; then find \"$1\" -type f -exec chmod {Octal(m)} {{}} +; else chmod {Octal(m)} \"$1\"; fi";
        }

        return script;
    }

    /// <summary>A mode as octal digits (e.g. 600).</summary>
    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(3, '0');
}

/// <summary>Guest (POSIX) path helpers.</summary>
public static class GuestPaths
{
    /// <summary>The parent directory of a guest path.</summary>
    public static string Parent(string guestPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(guestPath);
        var trimmed = guestPath.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed[..slash];
    }

    /// <summary>Formats an integer for a guest command line.</summary>
    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
