using BotBottle.Testing.Probes;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>What each in-guest tool really printed (captured on this project's images), and the outcome it means.</summary>
public sealed class OutcomeClassifierTests
{
    private static readonly StepAction Tcp = Probe.Tcp("10.0.0.2", 9099);

    public static TheoryData<string, int, int, string, string, StepOutcome> TcpReports { get; } = new()
    {
        { "bash", 0, 5, "connected", "", StepOutcome.Connected },
        { "bash", 1, 3, "", "bash: connect: Connection refused\nbash: line 1: /dev/tcp/10.0.0.2/9099: Connection refused", StepOutcome.Refused },
        { "bash", 1, 3100, "", "bash: connect: No route to host", StepOutcome.Unreachable },
        { "bash", 124, 3010, "", "", StepOutcome.TimedOut },
        { "bash", 1, 1100, "", "bash: nosuch.test: Temporary failure in name resolution\nbash: /dev/tcp/nosuch.test/9: Invalid argument", StepOutcome.DnsFailed },
        { "nc", 0, 4, "connected", "Connection to 10.0.0.2 9099 port [tcp/*] succeeded!", StepOutcome.Connected },
        { "nc", 1, 3, "", "nc: connect to 10.0.0.2 port 9099 (tcp) failed: Connection refused", StepOutcome.Refused },
        { "nc", 1, 3, "", "nc: can't connect to remote host (10.0.0.2): Connection refused", StepOutcome.Refused },
        { "nc", 1, 2100, "", "nc: timed out", StepOutcome.TimedOut },
        { "nc", 1, 5, "", "nc: bad address 'nosuch.test'", StepOutcome.DnsFailed },
        { "nc", 1, 5, "", "nc: connect to 10.0.0.2 port 9099 (tcp) failed: Network is unreachable", StepOutcome.Unreachable },
        { "curl", 124, 3000, "", "*   Trying 10.0.0.2:9099...\n* Connected to 10.0.0.2 (10.0.0.2) port 9099 (#0)", StepOutcome.Connected },
        { "curl", 7, 2, "", "*   Trying 10.0.0.2:9099...\n* connect to 10.0.0.2 port 9099 failed: Connection refused\ncurl: (7) Failed to connect to 10.0.0.2 port 9099 after 0 ms: Couldn't connect to server", StepOutcome.Refused },
        { "curl", 28, 3000, "", "curl: (28) Connection timed out after 3001 milliseconds", StepOutcome.TimedOut },
        { "curl", 6, 1000, "", "curl: (6) Could not resolve host: nosuch.test", StepOutcome.DnsFailed },
        { "bash", 1, 4, "", "bash: connect: Operation not permitted", StepOutcome.Denied },
        { "bash", 2, 4, "", "something nobody expected", StepOutcome.Error },
    };

    [Theory]
    [MemberData(nameof(TcpReports))]
    public void Tcp_reports_are_classified_by_what_the_tool_said(string tool, int rc, int ms, string stdout, string stderr, StepOutcome expected)
    {
        var (outcome, reason) = OutcomeClassifier.Classify(Tcp, Raw(tool, rc, ms, stdout, stderr));
        Assert.Equal(expected, outcome);
        Assert.False(string.IsNullOrWhiteSpace(reason));
    }

    [Fact]
    public void No_local_address_is_unreachable_for_ipv6_but_never_blocked_for_ipv4()
    {
        // An IPv6 stack that is off leaves no source address: there is no path. For IPv4, EADDRNOTAVAIL means something in
        // the network namespace took every local port (the agent can do that as node): no proof of a block, so an error.
        var v6 = OutcomeClassifier.Classify(Probe.Tcp("fd00::2", 80), Raw("bash", 1, 2, "(no IPv6 address in this network namespace)", "fd00::2: connect: Cannot assign requested address"));
        var v6Exhausted = OutcomeClassifier.Classify(Probe.Tcp("fd00::2", 80), Raw("bash", 1, 2, "", "fd00::2: connect: Cannot assign requested address"));
        var v4 = OutcomeClassifier.Classify(Tcp, Raw("bash", 1, 2, "", "bash: connect: Cannot assign requested address"));
        Assert.Equal(StepOutcome.Unreachable, v6.Outcome);
        Assert.Equal(StepOutcome.Error, v6Exhausted.Outcome);
        Assert.Equal(StepOutcome.Error, v4.Outcome);
        Assert.Contains("exhausted", v4.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_failure_keeps_the_raw_text_as_evidence()
    {
        var (_, reason) = OutcomeClassifier.Classify(Tcp, Raw("bash", 2, 4, "", "something nobody expected"));
        Assert.Contains("something nobody expected", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_403_the_proxy_made_is_a_denial_but_an_origin_403_it_relayed_is_not()
    {
        var http = Probe.HttpViaProxy("10.0.0.2", 3128, "allowed.test");
        var proxy403 = "HTTP/1.0 403 Filtered\nServer: tinyproxy/1.11.1\nContent-Type: text/html\n\n<html>";
        var origin403 = "HTTP/1.1 403 Forbidden\nVia: 1.1 bot-bottle-bundle (tinyproxy/1.11.1)\nContent-Type: text/html\n\n";
        Assert.Equal(StepOutcome.ProxyDenied, OutcomeClassifier.Classify(http, Raw("nc", 0, 5, proxy403, "")).Outcome);
        Assert.Equal(StepOutcome.ProxyAllowed, OutcomeClassifier.Classify(http, Raw("nc", 0, 5, origin403, "")).Outcome);
        Assert.Equal(StepOutcome.ProxyAllowed, OutcomeClassifier.Classify(http, Raw("curl", 0, 5, "HTTP/1.1 200 OK\nVia: 1.1 bundle\n\n", "")).Outcome);
        Assert.Equal(StepOutcome.Error, OutcomeClassifier.Classify(http, Raw("curl", 0, 5, "HTTP/1.0 502 Bad Gateway\nServer: some-proxy\n\n", "")).Outcome);
    }

    [Fact]
    public void A_5xx_a_proxy_of_the_chain_wrote_is_a_refusal_but_an_origins_5xx_is_not()
    {
        // The egress daemon's outbound policy refuses the address: its own 500 page, relayed by the proxy (with Via).
        var http = Probe.HttpViaProxy("10.0.0.2", 3128, "loopback.rebind.test");
        var refused = "HTTP/1.1 500 Unable to connect\nServer: tinyproxy/1.11.1\nVia: 1.1 bot-bottle-bundle (tinyproxy/1.11.1)\n\n";
        var origin = "HTTP/1.1 503 Service Unavailable\nServer: busybox\nVia: 1.1 bot-bottle-bundle (tinyproxy/1.11.1)\n\n";
        Assert.Equal(StepOutcome.ProxyDenied, OutcomeClassifier.Classify(http, Raw("curl", 0, 5, refused, "")).Outcome);
        Assert.Equal(StepOutcome.ProxyDenied, OutcomeClassifier.Classify(http, Raw("curl", 0, 5, "HTTP/1.0 502 Bad Gateway\nServer: tinyproxy\n\n", "")).Outcome);
        Assert.Equal(StepOutcome.ProxyAllowed, OutcomeClassifier.Classify(http, Raw("curl", 0, 5, origin, "")).Outcome);
    }

    [Fact]
    public void A_connect_denial_is_read_from_the_status_line_or_from_curls_tunnel_error()
    {
        var connect = Probe.Connect("10.0.0.2", 3128, "allowed.test", 8080);
        Assert.Equal(StepOutcome.ProxyDenied, OutcomeClassifier.Classify(connect, Raw("bash", 0, 5, "HTTP/1.0 403 Access violation\n\n", "")).Outcome);
        Assert.Equal(StepOutcome.ProxyDenied, OutcomeClassifier.Classify(connect, Raw("curl", 56, 5, "", "curl: (56) CONNECT tunnel failed, response 403")).Outcome);
        Assert.Equal(StepOutcome.ProxyAllowed, OutcomeClassifier.Classify(connect, Raw("nc", 0, 5, "HTTP/1.0 200 Connection established\nProxy-agent: tinyproxy\n\n", "")).Outcome);
    }

    [Fact]
    public void A_proxy_that_cannot_be_reached_reports_how_it_failed()
    {
        var http = Probe.HttpViaProxy("10.0.0.2", 3128, "allowed.test");
        Assert.Equal(StepOutcome.Refused, OutcomeClassifier.Classify(http, Raw("bash", 1, 5, "", "bash: connect: Connection refused")).Outcome);
    }

    [Fact]
    public void Lookups_resolve_fail_or_time_out()
    {
        var dns = Probe.Resolve("allowed.test");
        Assert.Equal(StepOutcome.Resolved, OutcomeClassifier.Classify(dns, Raw("getent", 0, 5, "172.20.0.3      allowed.test", "")).Outcome);
        Assert.Equal(StepOutcome.DnsFailed, OutcomeClassifier.Classify(dns, Raw("getent", 2, 2000, "", "")).Outcome);
        Assert.Equal(StepOutcome.TimedOut, OutcomeClassifier.Classify(dns, Raw("getent", 124, 4000, "", "")).Outcome);
        Assert.Equal(StepOutcome.Resolved, OutcomeClassifier.Classify(dns, Raw("nslookup", 0, 5, "Server:\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nName:\tallowed.test\nAddress: 172.20.0.3\n", "")).Outcome);
        Assert.Equal(StepOutcome.DnsFailed, OutcomeClassifier.Classify(dns, Raw("nslookup", 1, 5, "** server can't find allowed.test: NXDOMAIN", "")).Outcome);
    }

    [Fact]
    public void Local_checks_end_with_a_verdict_line_and_report_findings_not_values()
    {
        var scan = new SecretScan(["egress-placeholder"]);
        var (outcome, reason) = OutcomeClassifier.Classify(scan, Raw("sh", 0, 5, "present: GITHUB_TOKEN\npresent", ""));
        Assert.Equal(StepOutcome.Present, outcome);
        Assert.Equal("present: GITHUB_TOKEN", reason);
        Assert.Equal(StepOutcome.Denied, OutcomeClassifier.Classify(new EscalationAttempt(), Raw("sh", 0, 5, "uid=1000 user=node\nsudo: absent\ndenied", "")).Outcome);
        Assert.Equal(StepOutcome.Error, OutcomeClassifier.Classify(new EscalationAttempt(), Raw("sh", 2, 5, "", "sh: id: not found")).Outcome);
    }

    private static RawBatteryReport Raw(string tool, int rc, int ms, string stdout, string stderr) =>
        new("p", tool, rc, TimeSpan.FromMilliseconds(ms), TimeSpan.FromSeconds(3), stdout, stderr);
}
