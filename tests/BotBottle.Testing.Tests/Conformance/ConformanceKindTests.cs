using BotBottle.Testing.Probes;
using BotBottle.Testing.Processes;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;

namespace BotBottle.Testing.Tests.Conformance;

/// <summary>
/// A conformance check kind is one file and one registration: <see cref="PortCheck"/> below is a kind the library does
/// not have, declared here, registered with one line, parsed from YAML and run against a fake context (no engine).
/// </summary>
public sealed class ConformanceKindTests
{
    private static readonly IReadOnlyList<CheckKind> Kinds = [.. CheckKinds.All, PortCheck.Definition];   // the registration

    [Fact]
    public void Each_registered_kind_declares_its_own_code_and_keeps_todays_values()
    {
        var codes = CheckKinds.All.ToDictionary(k => k.Name, k => k.Code.ToString());

        Assert.Equal("BBT0201", codes["user"]);
        Assert.Equal("BBT0202", codes["file"]);
        Assert.Equal("BBT0203", codes["command"]);
        Assert.Equal("BBT0204", codes["env"]);
        Assert.Equal("BBT0205", codes["agent"]);
        Assert.Equal("BBT0206", codes["proxy"]);
        Assert.Equal("BBT0208", codes["image"]);
        Assert.Equal(CheckKinds.All.Count, CheckKinds.All.Select(k => k.Code).Distinct().Count());
        Assert.Equal(CheckKinds.All.Count, CheckKinds.All.Select(k => k.Section).Distinct().Count());
    }

    [Fact]
    public void A_probe_check_takes_its_code_from_its_catalogue_entry()
    {
        var spec = ConformanceSpecParser.Parse("name: p\nprobes: [loopback-refused]\n", "p.yaml");

        Assert.Equal(CheckCode.Parse(IsolationCatalogue.CodeOf("loopback-refused")), Assert.Single(spec.Checks).Code);
        Assert.Equal("BBT0101", Assert.Single(spec.Checks).Code.ToString());
        Assert.Equal("BBT0199", IsolationCatalogue.CodeOf("no-such-probe"));
    }

    [Fact]
    public void Defaults_live_on_the_kind_not_in_the_parser()
    {
        var spec = ConformanceSpecParser.Parse("""
            name: d
            users: [{ name: app }]
            files: [{ path: /etc/x }, { path: /etc/y, stage: bottle }]
            commands: [{ id: c, run: 'true' }]
            """, "d.yaml");

        Assert.Equal(CheckStage.Image, spec.Checks.Single(c => c.Id == "user.app").Stage);
        Assert.Equal(CheckStage.Image, spec.Checks.Single(c => c.Id == "file./etc/x").Stage);
        Assert.Equal(CheckStage.Bottle, spec.Checks.Single(c => c.Id == "file./etc/y").Stage);
        var command = Assert.IsType<CommandCheck>(spec.Checks.Single(c => c.Id == "command.c"));
        var blank = new CommandCheck { Id = "x", Title = "x", Run = "true" };
        Assert.Equal((blank.User, blank.Timeout, blank.ExitCode, blank.Stage), (command.User, command.Timeout, command.ExitCode, command.Stage));
    }

    [Fact]
    public void A_kind_registered_from_outside_is_parsed_with_the_common_keys_and_located_errors()
    {
        var spec = ConformanceSpecParser.Parse("""
            name: ports
            users: [{ name: app }]
            ports:
              - port: 8080
                needs: [user.app]
              - port: 9090
                id: metrics
                timeout: 2s
                hint: close the metrics port
            """, "ports.yaml", Kinds);

        var ports = spec.Checks.OfType<PortCheck>().ToList();
        Assert.Equal(["port.8080", "port.metrics"], ports.Select(p => p.Id));
        Assert.Equal(TimeSpan.FromSeconds(5), ports[0].Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), ports[1].Timeout);
        Assert.Equal(["user.app"], ports[0].Needs);
        Assert.Equal("close the metrics port", ports[1].Hint);
        Assert.Equal(CheckStage.Bottle, ports[0].Stage);
        Assert.Equal(new SpecLocation("ports.yaml", 4, 5), ports[0].Location);

        var e = Assert.Throws<ConformanceSpecException>(() => ConformanceSpecParser.Parse("name: bad\nports: [{ port: x, colour: red }]\n", "bad.yaml", Kinds));
        Assert.Equal(["bad.yaml(2,20): error: unknown key 'colour' in a port; expected one of: port, timeout, id, title, needs, hint", "bad.yaml(2,17): error: port must be a whole number"],
            e.Errors.Select(x => x.ToString()));
        var unknown = Assert.Throws<ConformanceSpecException>(() => ConformanceSpecParser.Parse("name: bad\nports: [{ port: 1 }]\n", "bad.yaml"));
        Assert.Contains("unknown key 'ports' in the spec", Assert.Single(unknown.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kind_registered_from_outside_runs_against_a_fake_context_and_reports_its_own_code()
    {
        var ct = TestContext.Current.CancellationToken;
        var spec = ConformanceSpecParser.Parse("name: ports\nports: [{ port: 8080 }, { port: 22 }]\n", "ports.yaml", Kinds);
        var scripts = new List<(string Script, string User)>();
        var context = new ConformanceContext("fake", spec.Agent, (script, user, _) =>
        {
            scripts.Add((script, user));
            return Task.FromResult(script.Contains(" 22", StringComparison.Ordinal)
                ? new BottleExecResult(0, "", "", TimeSpan.FromMilliseconds(3))
                : new BottleExecResult(1, "", "Connection refused", TimeSpan.FromMilliseconds(3)));
        }, bottle: null, agentStart: null, probes: null);

        var results = await CheckScheduler.RunAsync(spec.Checks, context, new Dictionary<string, CheckResult>(), ct);

        Assert.Equal(Verdict.Passed, results["port.8080"].Verdict);
        Assert.Equal(Verdict.Failed, results["port.22"].Verdict);
        Assert.Equal(("port", "BBT0209"), (results["port.22"].Kind, results["port.22"].Code.ToString()));
        Assert.All(scripts, s => Assert.Equal(GuestUsers.Agent, s.User));
    }

    /// <summary>The whole of a new kind: its check (fields, defaults, evaluation) and how a spec declares it.</summary>
    private sealed record PortCheck : ConformanceCheck
    {
        public static CheckKind Definition { get; } = new()
        {
            Name = "port",
            Code = new(209),
            Section = "ports",
            Reads = CheckKind.Entries("a port", ["port", "timeout"], ["port"], Read),
        };

        public override CheckKind Kind => Definition;

        public required int Port { get; init; }

        public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

        public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
        {
            var run = await context.ExecAsync($"nc -z 127.0.0.1 {Port}", GuestUsers.Agent, Timeout, cancellationToken);
            return run.ExitCode == 0 ? Finding.Fail($"port {Port} answers", run.Stdout) : Finding.Pass($"port {Port} is closed", run.Stderr);
        }

        private static PortCheck? Read(SpecEntry entry)
        {
            if (entry.Int("port") is not { } port)
            {
                return null;
            }

            var check = new PortCheck { Id = $"port.{port}", Title = $"Port {port} is closed", Port = port };
            return check with { Timeout = entry.Duration("timeout") ?? check.Timeout };
        }
    }
}
