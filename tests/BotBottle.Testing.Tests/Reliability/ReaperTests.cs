using System.Collections.Concurrent;
using System.Diagnostics;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Reaping;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Support;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Reliability;

/// <summary>
/// A test host killed (SIGKILL) at any point leaves nothing behind within 15 s, without any further launch: the
/// reaper it started before creating anything removes its resources. The host here is the real `botbottle` CLI
/// running the conformance suite, killed mid-create, mid-start, after launch and mid-exec.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ReaperTests
{
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> KillPoints { get; } = new("mid-create", "mid-start", "after-launch", "mid-exec");

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task A_killed_test_host_leaves_nothing_within_15_seconds(string point)
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var engine = await EngineProvider.For().GetAsync(Ct);
        var reports = Directory.CreateTempSubdirectory("bbt-reaper-");
        var start = new ProcessStartInfo(RepositoryLayout.DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[RepositoryLayout.CliDll, "conformance", "--backend", "docker", "--report-dir", reports.FullName])
        {
            start.ArgumentList.Add(argument);
        }

        var lines = new ConcurrentQueue<string>();
        using var host = Process.Start(start)!;
        host.OutputDataReceived += (_, e) => { if (e.Data is { } line) { lines.Enqueue(line); } };
        host.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { lines.Enqueue(line); } };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        var mine = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ResourceLabels.Pid}={host.Id}"] = true } };
        try
        {
            await WaitForAsync(point, async () => point switch
            {
                "mid-create" => (await Containers(engine, mine)).Count > 0,
                "mid-start" => (await Containers(engine, mine)).Any(c => c.State == "running" && c.Labels.TryGetValue(ResourceLabels.Role, out var role) && role == "bundle"),
                _ => lines.Any(l => l.Contains("launched", StringComparison.Ordinal)),
            }, () => string.Join("\n", lines));
            if (point == "mid-exec")
            {
                await Task.Delay(1500, Ct);
            }
        }
        finally
        {
            host.Kill();
            await host.WaitForExitAsync(Ct);
        }

        var clock = Stopwatch.StartNew();
        var left = await LeftAsync(engine, mine);
        while (left.Count > 0 && clock.Elapsed < Promise + TimeSpan.FromSeconds(10))
        {
            await Task.Delay(200, Ct);
            left = await LeftAsync(engine, mine);
        }

        var gone = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"killed {point}: everything gone {gone.TotalSeconds:0.0} s after the kill");
        Assert.Empty(left);

        // And it stays gone: a create that was in flight when the host died must not land afterwards.
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.Empty(await LeftAsync(engine, mine));
        Assert.True(gone <= Promise, $"the reaper took {gone.TotalSeconds:0.0} s (promise: {Promise.TotalSeconds} s)");
        reports.Delete(recursive: true);
    }

    [Fact]
    public async Task The_reaper_deletes_the_smolvm_machines_labelled_with_a_dead_host_s_session_and_no_others()
    {
        using var smolvm = new EmulatedSmolvm();
        var session = Guid.NewGuid().ToString("N")[..8];
        var engine = await EngineProvider.For().GetAsync(Ct);
        var archive = await ImageArchives.GetAsync(engine, TestImages.Bundle, smolvm.Options.ImageCacheDirectory!, NullLogger.Instance, Ct);
        // Two of the dead host's session (one created after the reaper started, as a create in flight), one of another session.
        string[] mine = ["bbt-reaped-" + session + "-1", "bbt-reaped-" + session + "-2"];
        var other = "bbt-kept-" + session;
        Assert.Equal(0, (await smolvm.RunAsync("machine", "create", "--name", mine[0], "-I", archive, "--label", "dev.botbottle.session=" + session)).ExitCode);
        Assert.Equal(0, (await smolvm.RunAsync("machine", "create", "--name", other, "-I", archive, "--label", "dev.botbottle.session=x" + session)).ExitCode);
        using var stand_in = Process.Start(new ProcessStartInfo("sleep", "1") { UseShellExecute = false })!;

        await Watchdog.WatchSmolvmAsync(smolvm.ExecutablePath, smolvm.Options.Environment, session, ["machine", "delete", "--name"], NullLogger.Instance, stand_in.Id);
        Assert.Equal(0, (await smolvm.RunAsync("machine", "create", "--name", mine[1], "-I", archive, "--label", "dev.botbottle.session=" + session)).ExitCode);
        await stand_in.WaitForExitAsync(Ct);
        var clock = Stopwatch.StartNew();
        string listed;
        do
        {
            await Task.Delay(250, Ct);
            listed = (await smolvm.RunAsync("machine", "ls", "--json")).Stdout;
        }
        while (mine.Any(m => listed.Contains(m, StringComparison.Ordinal)) && clock.Elapsed < Promise + TimeSpan.FromSeconds(5));

        Assert.All(mine, m => Assert.DoesNotContain(m, listed, StringComparison.Ordinal));
        Assert.True(clock.Elapsed <= Promise, $"took {clock.Elapsed}");
        await Task.Delay(TimeSpan.FromSeconds(3), Ct); // past the second pass
        Assert.Contains(other, (await smolvm.RunAsync("machine", "ls", "--json")).Stdout, StringComparison.Ordinal);
        await smolvm.RunAsync("machine", "delete", "--name", other, "-f");
    }

    [Fact]
    public async Task The_reaper_s_json_reader_finds_names_by_label_whatever_the_strings_and_layout_hold()
    {
        const string listed = """
            [{"cmd":["sh","-c","echo \"{[,]}\" \"name\": fake"],"labels":{"dev.botbottle.session":"s1","x":"y,}"},"name":"m-one","pid":null},
             {"labels": {"dev.botbottle.session": "s2"}, "name": "m-two"},
             {"name": "m-three", "labels": {}, "nested": {"name": "fake", "labels": {"dev.botbottle.session": "s1"}}},
             {
               "labels": {
                 "dev.botbottle.session": "s1"
               },
               "name": "m-four"
             }]
            """;
        var awk = new ProcessStartInfo("awk") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-v", "key=dev.botbottle.session", "-v", "value=s1", Watchdog.LabelledMachines])
        {
            awk.ArgumentList.Add(argument);
        }

        using var process = Process.Start(awk)!;
        await process.StandardInput.WriteAsync(listed);
        process.StandardInput.Close();
        var names = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.Equal("m-one\nm-four\n", names);
    }

    private static async Task<IList<ContainerListResponse>> Containers(DockerEngine engine, IDictionary<string, IDictionary<string, bool>> filter) =>
        await engine.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, Ct);

    private static async Task<IReadOnlyList<string>> LeftAsync(DockerEngine engine, IDictionary<string, IDictionary<string, bool>> filter)
    {
        var containers = await Containers(engine, filter);
        var networks = await engine.Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, Ct);
        return [.. containers.Select(c => "container " + c.Names.FirstOrDefault()), .. networks.Select(n => "network " + n.Name)];
    }

    private static async Task WaitForAsync(string point, Func<Task<bool>> reached, Func<string> output)
    {
        var clock = Stopwatch.StartNew();
        while (!await reached())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                Assert.Fail($"the host never reached {point}: {output()}");
            }

            await Task.Delay(50, Ct);
        }
    }
}
