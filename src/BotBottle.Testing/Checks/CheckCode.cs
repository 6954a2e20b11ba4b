using System;
using System.Globalization;

#if BOTBOTTLE_MSBUILD
namespace BotBottle.Testing.MSBuild.Checks;
#else
namespace BotBottle.Testing.Checks;
#endif

// One definition, compiled into the core library and linked into the MSBuild tasks (net472 and net8.0).

/// <summary>
/// A check's stable diagnostic code, <c>BBT</c> and four digits: <c>BBT01xx</c> an isolation check of the catalogue,
/// <c>BBT02xx</c> a conformance check kind. Declared where the check is defined (a catalogue entry, a kind), never
/// derived from a position in a list, so build logs and suppressions keep meaning the same check.
/// </summary>
#if BOTBOTTLE_MSBUILD
internal
#else
public
#endif
readonly struct CheckCode : IEquatable<CheckCode>
{
    private const string Prefix = "BBT";
    private readonly int _number;

    /// <summary>The code <c>BBT</c><paramref name="number"/> (four digits, 1–9999).</summary>
    public CheckCode(int number)
    {
        if (number is < 1 or > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(number), number, "a check code is BBT and four digits, 0001 to 9999");
        }

        _number = number;
    }

    /// <summary>The number after <c>BBT</c> (0 for the default value, which is no code).</summary>
    public int Number => _number;

    /// <summary>Whether <paramref name="text"/> is a code (<c>BBT0101</c>); <paramref name="code"/> is it.</summary>
    public static bool TryParse(string? text, out CheckCode code)
    {
        code = default;
        if (text is null || text.Length != Prefix.Length + 4 || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var number = 0;
        for (var i = Prefix.Length; i < text.Length; i++)
        {
            if (text[i] is < '0' or > '9')
            {
                return false;
            }

            number = (number * 10) + (text[i] - '0');
        }

        if (number == 0)
        {
            return false;
        }

        code = new CheckCode(number);
        return true;
    }

    /// <summary>The code <paramref name="text"/> names (<c>BBT0101</c>); anything else is a <see cref="FormatException"/>.</summary>
    public static CheckCode Parse(string text) =>
        TryParse(text, out var code) ? code : throw new FormatException($"'{text}' is not a check code (BBT and four digits, e.g. BBT0101)");

    /// <summary><c>BBT0101</c>; empty for the default value.</summary>
    public override string ToString() => _number == 0 ? "" : Prefix + _number.ToString("0000", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(CheckCode other) => _number == other._number;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CheckCode other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _number;

    /// <summary>Whether two codes are the same.</summary>
    public static bool operator ==(CheckCode left, CheckCode right) => left.Equals(right);

    /// <summary>Whether two codes differ.</summary>
    public static bool operator !=(CheckCode left, CheckCode right) => !left.Equals(right);
}
