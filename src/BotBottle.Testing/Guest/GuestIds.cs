using System.Globalization;

namespace BotBottle.Testing.Guest;

/// <summary>A guest user's uid and gid as a script prints them (<c>id -u</c>, then <c>id -g</c>, a line each).</summary>
internal static class GuestIds
{
    /// <summary>The uid and gid on <paramref name="lines"/>[<paramref name="at"/>] and the line after it.</summary>
    public static (int Uid, int Gid) Read(IReadOnlyList<string> lines, int at)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return (int.Parse(lines[at], NumberStyles.None, CultureInfo.InvariantCulture), int.Parse(lines[at + 1], NumberStyles.None, CultureInfo.InvariantCulture));
    }
}
