using BotBottle.Testing.Docker;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Reliability;

/// <summary>The prerequisite report warns when a host account shares the agent's uid on an engine that does not remap users.</summary>
public sealed class HostAccountsTests
{
    [Fact]
    public void An_account_with_the_agents_uid_is_named_with_what_it_could_read()
    {
        var note = HostAccounts.Note("root:x:0:0::/root:/bin/sh\nci:x:1000:1000::/home/ci:/bin/sh\nother:x:1001:1001::/:/bin/false\n", 1000);

        Assert.NotNull(note);
        Assert.Contains("'ci'", note, StringComparison.Ordinal);
        Assert.DoesNotContain("other", note, StringComparison.Ordinal);
        Assert.Contains("/proc/<pid>/environ", note, StringComparison.Ordinal);
        Assert.Contains("userns-remap", note, StringComparison.Ordinal);
    }

    [Fact]
    public void No_account_with_the_agents_uid_gives_no_note() =>
        Assert.Null(HostAccounts.Note("root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n", 1000));

    [Fact]
    [Trait("Category", "Docker")]
    public async Task The_docker_prerequisites_carry_the_note_exactly_when_this_host_has_such_an_account()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        var engine = await EngineProvider.For().GetAsync(TestContext.Current.CancellationToken);
        var expected = engine.RemapsUsers ? null : HostAccounts.Note(await File.ReadAllTextAsync("/etc/passwd", TestContext.Current.CancellationToken), HostAccounts.AgentUid);

        var report = await backend.CheckPrerequisitesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected is not null, report.Notes.Any(n => n.Contains("share", StringComparison.Ordinal) && n.Contains("uid 1000", StringComparison.Ordinal)));
    }
}
