namespace BotBottle.Testing.Bottles;

/// <summary>
/// What an allowlist entry may be: a host name (RFC 1123: labels of letters, digits and inner hyphens, 1-63
/// characters each, 253 in all), optionally with a leading <c>*.</c> for every subdomain. The bundle writes each one
/// as a literal pattern; an entry with a regex metacharacter or a newline could otherwise widen the allowlist to every
/// host, so it is refused when the bottle is described, and the reference bundle refuses it again.
/// </summary>
internal static class AllowedHostName
{
    /// <summary>Returns <paramref name="host"/>, or throws an <see cref="ArgumentException"/> saying why it is no host name.</summary>
    public static string Validate(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        var labels = bare.Split('.');
        var ok = bare.Length is > 0 and <= 253
            && labels.All(l => l.Length is > 0 and <= 63 && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && l[0] != '-' && l[^1] != '-');
        return ok ? host : throw new ArgumentException(
            $"allowlist entry '{host.ReplaceLineEndings("\\n")}' is not a host name: use letters, digits, '-' and '.', optionally after a leading '*.' (no patterns, spaces or newlines)", nameof(host));
    }
}
