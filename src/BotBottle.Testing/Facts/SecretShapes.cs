using System.Text.RegularExpressions;

namespace BotBottle.Testing.Facts;

/// <summary>
/// Why an environment value looks like a real credential, by its shape (and, failing that, by its name): the one
/// place these rules live. A value that fits none of them is not called a secret, however it was made.
/// </summary>
internal static partial class SecretShapes
{
    /// <summary>The reason <paramref name="value"/> (named <paramref name="name"/>) looks like a credential, or null.</summary>
    public static string? Why(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        return Shape(value) ?? (CredentialName().IsMatch(name.ToUpperInvariant()) ? "a credential name" : null);
    }

    private static string? Shape(string v)
    {
        if (UrlWithPassword().IsMatch(v))
        {
            return "a URL with a password";
        }

        if (v.Length >= 14 && AuthorizationValue().IsMatch(v))
        {
            return "an authorization credential";
        }

        if (v.StartsWith("sk-", StringComparison.Ordinal) || TokenPrefix().IsMatch(v))
        {
            return "a well-known token prefix";
        }

        if (Webhook().IsMatch(v))
        {
            return "a webhook URL";
        }

        if (QueryCredential().IsMatch(v))
        {
            return "a credential in a query string";
        }

        if (v.Length >= 32 && Hex().IsMatch(v))
        {
            return "a long hex key";
        }

        if (v.Length >= 24 && TokenAlphabet().IsMatch(v) && !v.StartsWith('/') && v.Any(char.IsAsciiLetter) && v.Any(char.IsAsciiDigit) && Entropy(v) >= 4.0)
        {
            return "a high-entropy string";
        }

        return null;
    }

    /// <summary>Shannon entropy of <paramref name="s"/>'s characters, in bits per character.</summary>
    private static double Entropy(string s) =>
        -s.GroupBy(c => c).Sum(g => (double)g.Count() / s.Length * Math.Log2((double)g.Count() / s.Length));

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*://[^/@:]*:[^/@]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlWithPassword();

    [GeneratedRegex(@"^(Bearer|Basic|bearer|basic|Token|token) [A-Za-z0-9._~+/=-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationValue();

    [GeneratedRegex(@"(sk-ant-|sk-proj-|ghp_|gho_|ghs_|ghu_|ghr_|github_pat_|glpat-|xox[abprs]-|AIza|npm_|-----BEGIN|AKIA[0-9A-Z]{4})", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPrefix();

    [GeneratedRegex(@"(hooks\.slack\.com/services/|discord(app)?\.com/api/webhooks/|webhook\.office\.com/)", RegexOptions.CultureInvariant)]
    private static partial Regex Webhook();

    [GeneratedRegex(@"[?&;](password|passwd|pwd|token|access_token|auth|api_key|apikey|key|secret|sig|signature)=[^&;]", RegexOptions.CultureInvariant)]
    private static partial Regex QueryCredential();

    [GeneratedRegex(@"^[0-9a-fA-F]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Hex();

    [GeneratedRegex(@"^[A-Za-z0-9+/=_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenAlphabet();

    [GeneratedRegex("(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|CREDENTIAL|ACCESS_KEY|AUTHORIZATION)", RegexOptions.CultureInvariant)]
    private static partial Regex CredentialName();
}
