using System.Collections.Concurrent;

namespace BotBottle.Testing.Diagnostics;

/// <summary>
/// Secrets are masked by value, not by name: every value a bottle is given for its guest env (<c>WithEnv</c>, the
/// CLI's <c>--env</c> and <c>BOTBOTTLE_BOTTLE_ENV_*</c>, the MSBuild <c>BottleEnv</c> items, a bundle's env) is
/// registered here for the life of the process, whatever its name, and <see cref="Mask"/> replaces each one with
/// <see cref="Replacement"/> in every log line, exception message, report and piece of check evidence the
/// harness writes. The credential parts of a value are registered on their own too: the password of a URL's user
/// info (and its <c>user:password</c>, whose base64 is a Basic credential), and what follows <c>Bearer</c> or
/// <c>Basic</c>, so a guest that prints only those is masked as well, each also as JSON, XML, URL and base64 would
/// spell it. Values
/// shorter than <see cref="MinimumLength"/> characters are left alone: masking every "1" or "yes" would make reports
/// unreadable, and such a value is no secret.
/// </summary>
internal static class SecretValues
{
    /// <summary>What a masked value is shown as.</summary>
    public const string Replacement = "***";

    /// <summary>The shortest value that is masked.</summary>
    public const int MinimumLength = 6;

    private static readonly ConcurrentDictionary<string, byte> Registered = new(StringComparer.Ordinal);
    private static volatile string[] _longestFirst = [];

    /// <summary>Registers <paramref name="values"/> (and their credential parts) for masking.</summary>
    public static void Register(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var added = false;
        foreach (var value in values.SelectMany(PartsOf).Where(v => v.Length >= MinimumLength))
        {
            added |= Registered.TryAdd(value, 0);
        }

        if (added)
        {
            _longestFirst = [.. Registered.Keys.OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal)];
        }
    }

    /// <summary><paramref name="text"/> with every registered value masked.</summary>
    public static string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var value in _longestFirst)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, Replacement, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary><paramref name="text"/> masked, or null.</summary>
    public static string? MaskOrNull(string? text) => text is null ? null : Mask(text);

    /// <summary>A value, its credential parts, and the spellings a report or a tool may give each: JSON- and XML-escaped, URL-encoded, base64 (the form of a Basic credential).</summary>
    private static IEnumerable<string> PartsOf(string value) =>
        CredentialParts(value).SelectMany(part => (IEnumerable<string>)
        [
            part,
            System.Text.Json.JsonEncodedText.Encode(part).ToString(),
            System.Text.Json.JsonEncodedText.Encode(part, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(),
            System.Security.SecurityElement.Escape(part) ?? part,
            Uri.EscapeDataString(part),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(part)),
        ]).Distinct(StringComparer.Ordinal);

    private static IEnumerable<string> CredentialParts(string value)
    {
        yield return value;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.UserInfo.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
        {
            var password = uri.UserInfo[(colon + 1)..];
            yield return password;
            yield return Uri.UnescapeDataString(password);
            yield return Uri.UnescapeDataString(uri.UserInfo);
        }

        foreach (var scheme in (string[])["Bearer ", "Basic ", "bearer ", "basic "])
        {
            if (value.StartsWith(scheme, StringComparison.Ordinal))
            {
                yield return value[scheme.Length..].Trim();
            }
        }
    }
}
