using BotBottle.Testing.Facts;

namespace BotBottle.Testing.Tests.Facts;

/// <summary>
/// The secret scan's pure part: every shape rule the battery's awk had finds its credential, placeholders and ordinary
/// settings are not called secrets, assignments are read from a profile as a shell would (export, declare -x, quotes,
/// several per line), a finding names the variable and its source and never the value, and a scan whose rules are
/// broken throws (its control is not found) instead of answering "none".
/// </summary>
public sealed class OutsideSecretScanTests
{
    private static readonly string[] Placeholders = ["egress-placeholder"];

    public static TheoryData<string, string, string> Shapes { get; } = new()
    {
        { "DATABASE_URL", "postgres://app:pw-3f9a1c@db.internal/app", "a URL with a password" },
        { "AUTHORIZATION", "Bearer tok0123456789abcdef", "an authorization credential" },
        { "DEPLOY_NOTE", "ghp_Zq7XbWm2VtR9kLp4NsYd8HcFgJ3eUa6QoT1i", "a well-known token prefix" },
        { "CLOUD", "AKIAIOSFODNN7EXAMPLE", "a well-known token prefix" },
        { "ANTHROPIC", "sk-ant-api03-abc", "a well-known token prefix" },
        { "NOTIFY", "https://hooks.slack.com/services/T0000/B0000/abcdef", "a webhook URL" },
        { "REPORTING_DSN", "postgres://app@db.internal/app?sslmode=require&password=abc123", "a credential in a query string" },
        { "SIGNING", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "a long hex key" },
        { "BLOB", "Zx81Qm4Lp0Rt7Wv2Ys5Nb9Kd3Hf6Jg1A", "a high-entropy string" },
        { "MY_API_KEY", "short", "a credential name" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_credential_is_found_by_its_shape_or_name_naming_why_and_where_never_the_value(string name, string value, string why)
    {
        var findings = SecretScan.Find([new EnvEntry("image ENV", name, value)], Placeholders);

        Assert.Equal([$"{name} ({why}, image ENV)"], findings);
        Assert.DoesNotContain(value, findings[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Placeholders_and_ordinary_settings_are_not_secrets()
    {
        EnvEntry[] entries =
        [
            new("container env", "CLAUDE_CODE_OAUTH_TOKEN", "egress-placeholder"),
            new("container env", "HTTPS_PROXY", "http://10.89.0.2:3128"),
            new("image ENV", "PATH", "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"),
            new("/home/node/.bashrc", "PS1", @"${debian_chroot:+($debian_chroot)}\u@\h:\w\$ "),
            new("/home/node/.bashrc", "HISTCONTROL", "ignoreboth"),
            new("image ENV", "EMPTY_TOKEN", ""),
            new("image ENV", "NODE_EXTRA_CA_CERTS", "/etc/ssl/certs/ca-certificates.crt"),
        ];

        Assert.Empty(SecretScan.Find(entries, Placeholders));
    }

    [Fact]
    public void A_scan_whose_rules_find_nothing_throws_because_it_misses_its_control()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SecretScan.Find([new EnvEntry("image ENV", "GITHUB_TOKEN", "ghp_Zq7XbWm2VtR9kLp4NsYd8HcFgJ3eUa6QoT1i")], Placeholders, (_, _) => null));

        Assert.Contains("control", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_name_is_reported_once_from_its_first_source()
    {
        var findings = SecretScan.Find(
            [new EnvEntry("image ENV", "GITHUB_TOKEN", "ghp_aaaaaaaaaaaaaaaaaaaa"), new EnvEntry("/etc/profile", "GITHUB_TOKEN", "ghp_bbbbbbbbbbbbbbbbbbbb")],
            Placeholders);

        Assert.Equal(["GITHUB_TOKEN (a well-known token prefix, image ENV)"], findings);
    }

    [Fact]
    public void Assignments_are_read_from_a_profile_as_a_shell_writes_them()
    {
        const string profile = """
            # export COMMENTED=ghp_notreal
            export A=1 B='two words' C="three \"quoted\""
            declare -x D=four
            typeset -gx E=five; readonly F=six && G=seven
            if [ -n "$X" ]; then export H=eight; fi
            I=nine echo not-an-assignment J=ten
            export K=ele\
            ven
            PATH="$PATH:/opt/bin"
            """;

        var assignments = ShellAssignments.Parse(profile).ToList();

        Assert.Equal(
            [("A", "1"), ("B", "two words"), ("C", "three \"quoted\""), ("D", "four"), ("E", "five"), ("F", "six"), ("G", "seven"), ("H", "eight"), ("I", "nine"), ("K", "eleven"), ("PATH", "$PATH:/opt/bin")],
            assignments);
    }
}
