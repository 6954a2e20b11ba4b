using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Sessions;

using BotBottle.Testing.Conformance.Results;

namespace BotBottle.Testing.Tests.Conformance;

/// <summary>
/// Each broken image fails exactly the checks that describe its defect (the checks that need those are
/// skipped, naming them), with a message and fix a user can act on; everything else still passes.
/// </summary>
public sealed class BrokenImageConformanceTests(BrokenImagesFixture images) : IClassFixture<BrokenImagesFixture>
{
    public static TheoryData<string, string[], string[]> Expectations { get; } = new()
    {
        { "root-only", ["user.node"], ["the image has no user 'node'", "useradd"] },
        { "no-runuser", ["command.runuser-returns"], ["runuser", "exited 127", "util-linux"] },
        { "home-other-uid", ["file./home/node"], ["owned by", "uid 501", "not node", "chown -R node:node"] },
        { "agent-missing", ["agent.present"], ["'claude' is not on node's PATH"] },
        { "env-dropped", ["env.HTTPS_PROXY", "env.NODE_EXTRA_CA_CERTS"], ["does not reach the agent process", "start path"] },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Fails_exactly_the_checks_of_its_defect_with_an_actionable_message(string defect, string[] failing, string[] messageParts)
    {
        var run = images.ReportFor(defect)[DockerBackend.BackendName];
        Assert.Equal(failing.Order(StringComparer.Ordinal), run.FailedIds.Order(StringComparer.Ordinal));
        var explained = string.Join("\n", run.Results.Where(r => failing.Contains(r.CheckId)).Select(r => r.Explain()));
        foreach (var part in messageParts)
        {
            Assert.Contains(part, explained, StringComparison.Ordinal);
        }

        // Every check that did not fail either passed or was skipped because something it needs failed.
        foreach (var result in run.Results.Where(r => r.Verdict == Verdict.Skipped))
        {
            Assert.StartsWith("needs ", result.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_a_node_user_no_bottle_is_launched_and_its_checks_name_why()
    {
        var run = images.ReportFor("root-only")[DockerBackend.BackendName];
        Assert.Equal(Verdict.Skipped, run["bottle.launch"].Verdict);
        Assert.Contains("user.node", run["bottle.launch"].Message, StringComparison.Ordinal);
        Assert.Equal("needs bottle.launch, which was skipped", run["agent.present"].Message);
    }

    [Fact]
    public void A_home_owned_by_another_uid_is_repaired_at_launch_so_only_the_shipped_image_fails()
    {
        var run = images.ReportFor("home-other-uid")[DockerBackend.BackendName];
        Assert.Equal(Verdict.Failed, run["file./home/node"].Verdict);
        Assert.Equal(Verdict.Passed, run["command.home-writable"].Verdict);
    }

    [Fact]
    public void Env_dropped_on_the_start_path_still_reaches_plain_execs()
    {
        var run = images.ReportFor("env-dropped")[DockerBackend.BackendName];
        Assert.Equal(Verdict.Passed, run["proxy.honoured"].Verdict);
        Assert.Equal(Verdict.Passed, run["command.ca-env-files"].Verdict);
        Assert.Equal(Verdict.Passed, run["env.HOME"].Verdict);
    }
}
