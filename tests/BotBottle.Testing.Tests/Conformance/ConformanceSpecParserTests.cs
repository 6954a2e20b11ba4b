using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Spec;

using BotBottle.Testing.Conformance.Results;

namespace BotBottle.Testing.Tests.Conformance;

public sealed class ConformanceSpecParserTests
{
    private static SpecError Single(string yaml)
    {
        var e = Assert.Throws<ConformanceSpecException>(() => ConformanceSpecParser.Parse(yaml, "my.yaml"));
        return Assert.Single(e.Errors);
    }

    [Fact]
    public void The_built_in_spec_covers_the_bot_bottle_contract()
    {
        var spec = ConformanceSpec.BotBottle;
        Assert.Equal("bot-bottle", spec.Name);
        Assert.Equal(["user.node", "command.runuser-returns"], spec.LaunchNeeds);
        foreach (var id in new[]
        {
            "user.node", "file./home/node", "command.runuser-returns", "command.git", "command.curl", "command.home-writable",
            "command.ca-store-updatable", "command.ca-env-files", "env.HOME", "env.USER", "env.HTTPS_PROXY", "agent.present",
            "agent.version", "agent.refuses-bypass-as-root", "proxy.honoured", "probe.loopback-refused", "probe.bypass-egress-port",
        })
        {
            Assert.Contains(spec.Checks, c => c.Id == id);
        }

        var runuser = Assert.IsType<CommandCheck>(spec.Checks.Single(c => c.Id == "command.runuser-returns"));
        Assert.Equal(TimeSpan.FromSeconds(5), runuser.Timeout);
        Assert.Equal(CheckStage.Image, runuser.Stage);
        Assert.Equal("/home/node/workspace", spec.Agent.Workdir);
        Assert.Equal(BotBottle.Testing.Probes.IsolationCatalogue.CheckIds.Count, spec.Checks.OfType<ProbeConformanceCheck>().Count());
        Assert.Empty(spec.WithoutProbes().Checks.OfType<ProbeConformanceCheck>());
    }

    [Fact]
    public void A_small_spec_parses_into_typed_checks_with_locations()
    {
        var spec = ConformanceSpecParser.Parse("""
            name: mine
            users:
              - name: app
                uid: 1001
            files:
              - path: /etc/app.conf
                mode: "0640"
                owner: app
                content: ['^listen ']
            commands:
              - id: hello
                run: echo hello
                stdout: [hello]
                timeout: 500ms
                needs: [user.app]
            env:
              - name: SECRET
                present: false
            probes: [loopback-refused]
            """, "mine.yaml");
        var user = Assert.IsType<UserCheck>(spec.Checks[0]);
        Assert.Equal(("user.app", 1001), (user.Id, user.Uid));
        Assert.Equal(new SpecLocation("mine.yaml", 3, 5), user.Location);
        var file = Assert.IsType<FileCheck>(spec.Checks[1]);
        Assert.Equal(("0640", "app", CheckStage.Image), (file.Mode, file.Owner, file.Stage));
        var command = Assert.IsType<CommandCheck>(spec.Checks[2]);
        Assert.Equal((TimeSpan.FromMilliseconds(500), "node", CheckStage.Bottle), (command.Timeout, command.User, command.Stage));
        Assert.Equal(["user.app"], command.Needs);
        Assert.False(Assert.IsType<EnvCheck>(spec.Checks[3]).Present);
        Assert.Equal("probe.loopback-refused", spec.Checks[4].Id);
    }

    [Fact]
    public void An_unknown_key_is_an_error_at_its_line_and_column_naming_the_allowed_keys()
    {
        var error = Single("""
            name: x
            commands:
              - id: a
                run: true
                stdot: [x]
            """);
        Assert.Equal(new SpecLocation("my.yaml", 5, 5), error.Location);
        Assert.Contains("unknown key 'stdot' in a command", error.Message, StringComparison.Ordinal);
        Assert.Contains("stdout", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("my.yaml(5,5): error: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_pattern_list_checks_nothing_and_is_an_error()
    {
        var error = Single("""
            name: x
            commands:
              - id: a
                run: true
                stdout: []
            """);
        Assert.Equal((5L, 13L), (error.Location.Line, error.Location.Column));
        Assert.Contains("empty pattern list, which checks nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_env_entry_that_checks_nothing_is_an_error()
    {
        var error = Single("""
            name: x
            env:
              - name: HOME
            """);
        Assert.Equal((3L, 5L), (error.Location.Line, error.Location.Column));
        Assert.Contains("checks nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_mistake_is_reported_at_once()
    {
        var e = Assert.Throws<ConformanceSpecException>(() => ConformanceSpecParser.Parse("""
            name: x
            users:
              - name: node
                uid: one
            files:
              - path: /a
                mode: 0999
            commands:
              - id: a
                run: true
                timeout: soon
                stderr: ['(']
                needs: [command.nope]
              - id: a
                run: false
            probes: [loopback-refused, no-such-probe]
            colour: blue
            """, "many.yaml"));
        var lines = e.Errors.Select(x => $"{x.Location.Line}:{x.Location.Column} {x.Message}").ToList();
        Assert.Contains(lines, l => l.StartsWith("4:", StringComparison.Ordinal) && l.Contains("uid must be a whole number", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("7:", StringComparison.Ordinal) && l.Contains("octal permission bits", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("11:", StringComparison.Ordinal) && l.Contains("positive duration", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("12:", StringComparison.Ordinal) && l.Contains("not a valid regular expression", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("13:", StringComparison.Ordinal) && l.Contains("'command.a' needs 'command.nope'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("14:", StringComparison.Ordinal) && l.Contains("'command.a' is used twice", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("16:", StringComparison.Ordinal) && l.Contains("unknown probe 'no-such-probe'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("17:1 ", StringComparison.Ordinal) && l.Contains("unknown key 'colour'", StringComparison.Ordinal));
        Assert.Equal(8, e.Errors.Count);
    }

    [Fact]
    public void A_loopback_daemon_of_your_own_is_a_probe_with_its_own_code()
    {
        var spec = ConformanceSpecParser.Parse("""
            name: mine
            probes: [loopback-refused, { daemon: metrics, port: 9200, code: BBT0180 }, bypass-egress-port]
            """);
        var probes = spec.Checks.OfType<ProbeConformanceCheck>().ToList();
        Assert.Equal(["probe.loopback-refused", "probe.bypass-metrics-port", "probe.bypass-egress-port"], probes.Select(p => p.Id));
        Assert.Equal(["BBT0101", "BBT0180", "BBT0102"], probes.Select(p => p.Code.ToString()));
        Assert.Equal(new BotBottle.Testing.Probes.CatalogueOptions.LoopbackDaemon("metrics", 9200, "BBT0180"), probes[1].Daemon);
        Assert.Equal("bypass-metrics-port", probes[1].CatalogueId);

        // The runner declares it to the catalogue beside the configured daemons (one of the same name replaces it in its place).
        var merged = new BotBottle.Testing.Probes.CatalogueOptions().WithDaemons([probes[1].Daemon!, new("egress", 9199, "BBT0102")]);
        Assert.Equal(["egress 9199 BBT0102", "supervise 9100 BBT0103", "metrics 9200 BBT0180"], merged.LoopbackDaemons.Select(d => $"{d.Name} {d.Port} {d.Code}"));
    }

    [Fact]
    public void A_loopback_daemon_needs_a_code_of_its_range_once()
    {
        var e = Assert.Throws<ConformanceSpecException>(() => ConformanceSpecParser.Parse("""
            name: x
            probes:
              - { daemon: metrics, port: 9200, code: BBT0150 }
              - { daemon: admin, port: 9300, code: BBT0181 }
              - { daemon: other, port: 9400, code: BBT0181 }
              - { daemon: nameless, port: 9500 }
            """, "d.yaml"));
        var lines = e.Errors.Select(x => $"{x.Location.Line} {x.Message}").ToList();
        Assert.Contains(lines, l => l.StartsWith("3 ", StringComparison.Ordinal) && l.Contains("BBT0180–BBT0198", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("5 ", StringComparison.Ordinal) && l.Contains("code BBT0181 is given to two loopback daemons", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("6 ", StringComparison.Ordinal) && l.Contains("needs 'code'", StringComparison.Ordinal));
        Assert.Equal(3, e.Errors.Count);
    }

    [Fact]
    public void Broken_yaml_is_reported_where_the_parser_stopped()
    {
        var error = Single("name: x\nusers:\n  - name: [node\n");
        Assert.Equal("my.yaml", error.Location.File);
        Assert.True(error.Location.Line >= 3, error.ToString());
        Assert.StartsWith("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_launch_can_only_need_image_checks_and_image_checks_cannot_need_bottle_checks()
    {
        var e = Assert.Throws<ConformanceSpecException>(() => ConformanceSpecParser.Parse("""
            name: x
            launch:
              needs: [command.late]
            commands:
              - id: late
                run: true
              - id: early
                stage: image
                run: true
                needs: [command.late]
            """, "s.yaml"));
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains("the launch can only need image checks", e.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("runs on the image as shipped and cannot need 'command.late'", e.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_file_is_loaded_with_its_path_in_locations()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bbt-spec-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "name: x\nprobes: nope\n");
        try
        {
            var e = Assert.Throws<ConformanceSpecException>(() => ConformanceSpecParser.Load(path));
            Assert.Equal(new SpecLocation(path, 2, 9), Assert.Single(e.Errors).Location);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
