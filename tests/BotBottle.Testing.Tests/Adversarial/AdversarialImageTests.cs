using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;

namespace BotBottle.Testing.Tests.Adversarial;

/// <summary>
/// Each adversarial image fails the built-in spec, naming the check that caught it and nothing else, and the reference
/// image passes every check; the outside secret scan finds each shipped token (by name and source, never its value) and
/// nothing in the reference image.
/// </summary>
[Trait("Category", "Docker")]
public sealed class AdversarialImageTests(AdversarialImagesFixture images) : IClassFixture<AdversarialImagesFixture>
{
    public static TheoryData<string, string, string[]> Caught { get; } = new()
    {
        { "ca-hook-only", "image.ca-hooks", ["/etc/ca-certificates/update.d/zz-bbt-hook", "as root"] },
        { "token-in-env", "image.no-secrets", ["DEPLOY_NOTE (a well-known token prefix, image ENV)"] },
        { "token-in-profile-d", "image.no-secrets", ["SERVICE_LINK (a well-known token prefix, /etc/profile.d/zz-service.sh)"] },
    };

    public static TheoryData<string, string> Values { get; } = new()
    {
        { "token-in-env", "ghp_Zq7XbWm2VtR9kLp4NsYd8HcFgJ3eUa6QoT1i" },
        { "token-in-profile-d", "glpat-8Hx2Kq9Rm4Tz7Wv1Yb3N" },
    };

    [Theory]
    [MemberData(nameof(Caught))]
    public void The_built_in_suite_fails_it_naming_the_check_that_caught_it(string subject, string check, string[] messageParts)
    {
        var run = images.RunFor(subject);

        Assert.Equal([check], run.FailedIds);
        foreach (var part in messageParts)
        {
            Assert.Contains(part, run[check].Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_reference_image_passes_every_check_of_the_suite()
    {
        var run = images.RunFor(AdversarialImagesFixture.Reference);

        Assert.All(run.Results, r => Assert.True(r.Verdict == Verdict.Passed, $"{r.CheckId}: {r.Verdict}: {r.Message}"));
        Assert.Contains(run.Results, r => r.CheckId == "image.ca-hooks");
        Assert.Contains(run.Results, r => r.CheckId == "image.no-secrets");
    }

    [Fact]
    public void A_root_check_runs_in_a_throwaway_container_so_the_hook_it_runs_leaves_nothing_in_the_probed_bottle()
    {
        var run = images.RunFor(AdversarialImagesFixture.Markers);

        // Control: as root, update-ca-certificates ran the hook, which left its marker where it ran.
        Assert.Equal(Verdict.Passed, run["command.root-hook"].Verdict);
        // Control: a marker node leaves in the bottle is still there for a later check.
        Assert.Equal(Verdict.Passed, run["command.node-mark"].Verdict);
        // The bottle has node's marker and not the hook's; and the root check ran on another host than the bottle.
        Assert.True(run["command.bottle-untouched"].Verdict == Verdict.Passed, run["command.bottle-untouched"].Explain());
        Assert.NotEqual(HostOf(run["command.node-mark"].Evidence), HostOf(run["command.root-hook"].Evidence));

        // In the built-in suite the hook image passes the root checks too: they ran, but not in its bottle.
        var suite = images.RunFor("ca-hook-only");
        Assert.Equal(Verdict.Passed, suite["command.ca-store-updatable"].Verdict);
        Assert.Equal(Verdict.Passed, suite["agent.refuses-bypass-as-root"].Verdict);
    }

    private static string HostOf(string evidence)
    {
        var host = evidence.Split('\n').Single(l => l.StartsWith("stdout: ", StringComparison.Ordinal))["stdout: ".Length..].Trim();
        Assert.NotEmpty(host);
        return host;
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void The_outside_scan_finds_the_token_naming_the_variable_and_never_its_value(string subject, string value)
    {
        var findings = images.FindingsFor(subject);

        Assert.Single(findings);
        Assert.DoesNotContain(value, string.Join("\n", findings), StringComparison.Ordinal);
        Assert.DoesNotContain(value, images.RunFor(subject)["image.no-secrets"].Evidence + images.RunFor(subject)["image.no-secrets"].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_outside_scan_finds_nothing_in_the_reference_image_nor_in_the_hook_image()
    {
        Assert.Empty(images.FindingsFor(AdversarialImagesFixture.Reference));
        Assert.Empty(images.FindingsFor("ca-hook-only"));
    }
}
