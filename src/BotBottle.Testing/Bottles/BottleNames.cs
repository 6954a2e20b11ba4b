using System.Security.Cryptography;

namespace BotBottle.Testing.Bottles;

/// <summary>
/// Names for bottles and their resources. Every name starts with <see cref="Prefix"/> and the
/// harness session id, so a sweep can find what a dead test host left behind. Names satisfy both
/// docker's and smolvm's rules (alphanumeric first, <c>[A-Za-z0-9_-]</c>, no "--", no trailing "-").
/// </summary>
internal static class BottleNames
{
    /// <summary>The prefix of everything the harness names.</summary>
    public const string Prefix = "bbt";

    /// <summary>This process's harness session id (8 hex characters).</summary>
    public static string SessionId => Engine.ResourceLabels.SessionId;

    /// <summary>A fresh unique bottle name: <c>bbt-&lt;session&gt;-&lt;random&gt;</c>.</summary>
    public static string NewBottleName() => $"{Prefix}-{SessionId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";

    /// <summary>Validates a caller-chosen bottle name against the common rules.</summary>
    public static string Validate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var ok = name.Length <= 100
            && char.IsAsciiLetterOrDigit(name[0])
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            && !name.Contains("--", StringComparison.Ordinal)
            && !name.EndsWith('-');
        return ok ? name : throw new ArgumentException($"'{name}' is not a valid bottle name: use 1-100 of [A-Za-z0-9_-], starting alphanumeric, without '--' or a trailing '-'.", nameof(name));
    }
}
