namespace BotBottle.Testing.Bottles;

/// <summary>
/// The env every exec in a bottle receives: the proxy pointing at the bundle, a placeholder
/// token (real credentials stay in the bundle), telemetry off, the CA trio, then the bottle's own env.
/// </summary>
internal static partial class GuestEnvironment
{
    /// <summary>The token value the agent sees; the bundle swaps it for the real one.</summary>
    public const string PlaceholderToken = "egress-placeholder";

    /// <summary>The CA bundle the trust variables point at (Debian's ca-certificates output).</summary>
    public const string CaBundlePath = "/etc/ssl/certs/ca-certificates.crt";

    private static readonly string[] Reserved = ["HOME", "USER"];

    /// <summary>Builds the ordered guest env for a bottle wired to <paramref name="bundle"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> For(BundleEndpoint bundle, IReadOnlyDictionary<string, string> declared)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(declared);
        var proxy = bundle.ProxyUrl;
        var env = new List<KeyValuePair<string, string>>
        {
            new("HTTPS_PROXY", proxy),
            new("HTTP_PROXY", proxy),
            new("https_proxy", proxy),
            new("http_proxy", proxy),
            new("NO_PROXY", "localhost,127.0.0.1"),
            new("CLAUDE_CODE_OAUTH_TOKEN", PlaceholderToken),
            new("DISABLE_TELEMETRY", "1"),
            new("DISABLE_ERROR_REPORTING", "1"),
            new("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
            new("NODE_EXTRA_CA_CERTS", CaBundlePath),
            new("SSL_CERT_FILE", CaBundlePath),
            new("REQUESTS_CA_BUNDLE", CaBundlePath),
        };
        foreach (var (key, value) in declared.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ValidateKey(key);
            ValidateValue(key, value);
            var index = env.FindIndex(p => p.Key == key);
            if (index >= 0)
            {
                env[index] = new(key, value);
            }
            else
            {
                env.Add(new(key, value));
            }
        }

        return env;
    }

    /// <summary>
    /// Rejects names an environment cannot carry portably (POSIX: a letter or <c>_</c>, then letters,
    /// digits and <c>_</c>), and HOME/USER (set per exec user by the harness). Values may hold anything
    /// but NUL: they travel as single argv elements, never through a shell.
    /// </summary>
    public static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!ValidName().IsMatch(key))
        {
            throw new ArgumentException($"'{Printable(key)}' is not a valid environment variable name: use a letter or '_' followed by letters, digits or '_'.", nameof(key));
        }

        if (Reserved.Contains(key, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{key} is set per exec user by the harness and cannot be declared.", nameof(key));
        }
    }

    /// <summary>Rejects a value no environment can carry (a NUL character).</summary>
    public static void ValidateValue(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"the value of {key} contains a NUL character, which no environment can carry.", nameof(value));
        }
    }

    private static string Printable(string key) => key.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ValidName();
}
