using System.Diagnostics;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Cli;

/// <summary>One check run inside the bottle: a negative probe and the positive control that makes it meaningful.</summary>
internal sealed record Check(string Name, string Expectation, Func<DockerBottle, CancellationToken, Task<(bool Passed, string Evidence)>> Run);

/// <summary>Launches the reference bottle, runs the checks, prints outcomes and timings, tears down.</summary>
internal static class MainJob
{
    public static async Task<int> RunAsync(string agentImage, string bundleImage, TextWriter output, CancellationToken cancellationToken)
    {
        var backend = new DockerBackend();
        var report = await backend.CheckPrerequisitesAsync(cancellationToken);
        if (!report.IsSatisfied)
        {
            await output.WriteLineAsync(report.Reason);
            return 2;
        }

        var spec = new BottleSpec(agentImage, new BundleSpec(bundleImage)).WithPrompt("You are inside a bot-bottle reference bottle.");
        var clock = Stopwatch.StartNew();
        var bottle = (DockerBottle)await backend.LaunchAsync(spec, cancellationToken);
        var launched = clock.Elapsed;
        var failures = 0;
        try
        {
            await output.WriteLineAsync($"bottle {bottle.Name} (docker) launched in {launched.TotalMilliseconds:0} ms; bundle {bottle.Bundle.Address}:{bottle.Bundle.ProxyPort}");
            clock.Restart();
            (await bottle.ExecAsync("true", cancellationToken: cancellationToken)).ThrowOnFailure();
            await output.WriteLineAsync($"exec round trip: {clock.Elapsed.TotalMilliseconds:0} ms");
            await output.WriteLineAsync();
            foreach (var check in Checks)
            {
                clock.Restart();
                var (passed, evidence) = await check.Run(bottle, cancellationToken);
                failures += passed ? 0 : 1;
                await output.WriteLineAsync($"{(passed ? "PASS" : "FAIL"),-5}{check.Name,-28}{check.Expectation,-58}{evidence} ({clock.Elapsed.TotalMilliseconds:0} ms)");
            }
        }
        finally
        {
            clock.Restart();
            await bottle.DisposeAsync();
            await output.WriteLineAsync();
            await output.WriteLineAsync($"teardown: {clock.Elapsed.TotalMilliseconds:0} ms");
        }

        await output.WriteLineAsync($"checks: {Checks.Count - failures} passed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    private static readonly IReadOnlyList<Check> Checks =
    [
        new("agent-user", "agent execs run as node (uid 1000)", async (b, ct) =>
        {
            var r = await b.ExecAsync("id -un; id -u", cancellationToken: ct);
            return (r.Stdout == "node\n1000\n", Flatten(r.Stdout));
        }),
        new("proxy-reachable", "bundle proxy port connects (control)", async (b, ct) =>
            Dial(await b.ExecAsync(GuestScripts.TcpDial(b.Bundle.Address, b.Bundle.ProxyPort), cancellationToken: ct), expectConnected: true)),
        new("loopback-refused", "127.0.0.1:9 in the agent is refused", async (b, ct) =>
            Dial(await b.ExecAsync(GuestScripts.TcpDial("127.0.0.1", 9), cancellationToken: ct), expectConnected: false)),
        new("egress-port-bypass", "bundle-ip:9099 refused, 127.0.0.1:9099 in bundle listens", async (b, ct) =>
        {
            var control = await b.ExecInBundleAsync(["/bin/sh", "-c", "grep -q '0100007F:238B 00000000:0000 0A' /proc/net/tcp && echo egress-listening-on-loopback"], ct);
            var (refused, evidence) = Dial(await b.ExecAsync(GuestScripts.TcpDial(b.Bundle.Address, 9099), cancellationToken: ct), expectConnected: false);
            return (refused && control.Stdout.Contains("egress-listening", StringComparison.Ordinal), evidence + "; control: " + Flatten(control.Stdout));
        }),
        new("proxy-denies-unlisted", "proxy answers 403 for a host not allowed", async (b, ct) =>
        {
            var r = await b.ExecAsync("curl -s -o /dev/null -w '%{http_code}' http://not-allowed.invalid/", cancellationToken: ct);
            return (r.Stdout == "403", "HTTP " + r.Stdout);
        }),
        new("claude-runs-as-node", "the agent CLI starts as node", async (b, ct) =>
        {
            var r = await b.ExecAsync("claude --version", cancellationToken: ct);
            return (r.ExitCode == 0 && r.Stdout.Contains("Claude Code", StringComparison.Ordinal), Flatten(r.Stdout + r.Stderr));
        }),
    ];

    private static (bool, string) Dial(ExecResult result, bool expectConnected)
    {
        var connected = result.Stdout.Contains("connected", StringComparison.Ordinal);
        return (connected == expectConnected, Flatten(result.Stdout));
    }

    private static string Flatten(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
