using System.Runtime.CompilerServices;
using System.Text;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Snapshots;

/// <summary>
/// Snapshot assertions in Verify's file convention (the Verify package is not available here):
/// <c>{Class}.{Method}[_{param}={value}].verified.txt</c> beside the test source, UTF-8 with BOM, LF, no trailing newline.
/// A mismatch writes <c>{Class}.{Method}.received.txt</c> and fails with both texts; setting
/// BOTBOTTLE_ACCEPT_SNAPSHOTS=1 accepts the received text instead.
/// </summary>
public static class Snapshot
{
    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    public static async Task VerifyAsync(string text, Scrubber? scrubber = null, string? parameters = null, [CallerFilePath] string sourceFile = "", [CallerMemberName] string method = "")
    {
        var context = TestContext.Current;
        var className = context.TestClass?.TestClassName is { } full ? full[(full.LastIndexOf('.') + 1)..] : Path.GetFileNameWithoutExtension(sourceFile);
        var methodName = context.TestMethod?.MethodName ?? method;
        var directory = Path.GetDirectoryName(SourcePath(sourceFile))!;
        var stem = Path.Combine(directory, $"{className}.{methodName}" + (parameters is null ? "" : "_" + parameters));
        var verifiedPath = stem + ".verified.txt";
        var receivedPath = stem + ".received.txt";
        File.Delete(receivedPath);

        var received = Normalize((scrubber ?? Scrubber.Default).Apply(text));
        var verified = File.Exists(verifiedPath) ? Normalize(await File.ReadAllTextAsync(verifiedPath, TestContext.Current.CancellationToken)) : null;
        if (verified == received)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("BOTBOTTLE_ACCEPT_SNAPSHOTS") == "1")
        {
            await File.WriteAllTextAsync(verifiedPath, received, Utf8WithBom, TestContext.Current.CancellationToken);
            return;
        }

        await File.WriteAllTextAsync(receivedPath, received, Utf8WithBom, TestContext.Current.CancellationToken);
        context.AddAttachment(Path.GetFileName(receivedPath), received);
        Assert.Fail(verified is null
            ? $"No snapshot yet: {verifiedPath}. Review {receivedPath} and rename it to .verified.txt to accept.\n--- received ---\n{received}"
            : $"Snapshot mismatch: {verifiedPath}\n--- verified ---\n{verified}\n--- received ---\n{received}");
    }

    /// <summary>
    /// The source file on disk: a deterministic build (ContinuousIntegrationBuild) records sources as
    /// <c>/_/relative/path</c>, which maps back to the repository root.
    /// </summary>
    internal static string SourcePath(string callerFilePath) =>
        callerFilePath.StartsWith("/_/", StringComparison.Ordinal) && !File.Exists(callerFilePath)
            ? Path.Combine(RepositoryLayout.Root, callerFilePath[3..])
            : callerFilePath;

    private static string Normalize(string text)
    {
        var lf = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
        return lf.TrimEnd('\n');
    }
}

/// <summary>Replacements applied to a snapshot before comparison (bottle names, paths).</summary>
public sealed class Scrubber
{
    private readonly List<(string Value, string Token)> _replacements = [];

    public static Scrubber Default => new Scrubber()
        .Replace(Path.GetTempPath().TrimEnd('/'), "{TempPath}");

    public Scrubber Replace(string value, string token)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _replacements.Add((value, token));
        }

        return this;
    }

    public string Apply(string text)
    {
        foreach (var (value, token) in _replacements.OrderByDescending(r => r.Value.Length))
        {
            text = text.Replace(value, token, StringComparison.Ordinal);
        }

        return text;
    }
}

/// <summary>Renders argv one element per line, so a snapshot shows every boundary and special character.</summary>
public static class ArgvText
{
    public static string Render(IEnumerable<string> argv) =>
        string.Join('\n', argv.Select((a, i) => $"[{i}] {a.Replace("\n", "\\n", StringComparison.Ordinal)}"));
}
