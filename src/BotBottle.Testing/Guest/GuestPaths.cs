using System.Globalization;

namespace BotBottle.Testing.Guest;

/// <summary>Guest (POSIX) paths.</summary>
internal static class GuestPaths
{
    /// <summary>The parent directory of a guest path.</summary>
    public static string Parent(string guestPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(guestPath);
        var trimmed = guestPath.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed[..slash];
    }

    /// <summary>A mode as octal digits (e.g. 600).</summary>
    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(3, '0');
}
