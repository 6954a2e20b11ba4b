using System.Globalization;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Tests.Support;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Reliability;

/// <summary>
/// The launch sweep removes only what is provably dead: a resource of a creator in another pid namespace (a CI job
/// in a container on the same engine), another boot or another host is left to that creator's own reaper, however
/// dead its pid looks from here.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class SweepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Foreign { get; } = new()
    {
        { ResourceLabels.PidNamespace, "pid:[4026500001]" },
        { ResourceLabels.Boot, "00000000-0000-4000-8000-000000000000" },
        { ResourceLabels.Host, "another-machine" },
    };

    [Theory]
    [MemberData(nameof(Foreign))]
    public async Task A_dead_pid_of_another_namespace_boot_or_host_is_not_swept(string label, string value)
    {
        await AssertASweepKeepsAsync(labels => { labels[label] = value; labels[ResourceLabels.Pid] = DeadPid; });
    }

    [Fact]
    public async Task Control_a_dead_pid_of_this_namespace_and_boot_is_swept()
    {
        var engine = await EngineAsync();
        var session = Session();
        await CreateAsync(engine, session, labels => labels[ResourceLabels.Pid] = DeadPid);

        await EngineSweeper.RemoveOrphansAsync(engine.Client, NullLogger.Instance, Ct);

        Assert.Empty(await EngineSweeper.ListAsync(engine.Client, session, Ct));
    }

    [Fact]
    public async Task A_reused_pid_is_dead_when_its_process_started_at_another_time()
    {
        var engine = await EngineAsync();
        var session = Session();

        // The parent's pid, but with another start time: whoever made it is gone and the pid is reused.
        await CreateAsync(engine, session, labels =>
        {
            labels[ResourceLabels.Pid] = Environment.ProcessId == 1 ? "1" : ParentPid().ToString(CultureInfo.InvariantCulture);
            labels[ResourceLabels.Started] = "ticks:1";
        });

        await EngineSweeper.RemoveOrphansAsync(engine.Client, NullLogger.Instance, Ct);

        Assert.Empty(await EngineSweeper.ListAsync(engine.Client, session, Ct));
    }

    [Fact]
    public async Task A_live_process_of_this_namespace_keeps_its_resources()
    {
        var parent = ParentPid();
        var stat = await File.ReadAllTextAsync($"/proc/{parent}/stat", Ct);
        await AssertASweepKeepsAsync(labels =>
        {
            labels[ResourceLabels.Pid] = parent.ToString(CultureInfo.InvariantCulture);
            labels[ResourceLabels.Started] = "ticks:" + stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        });
    }

    [Fact]
    public async Task A_harness_in_another_pid_namespace_leaves_this_process_bottles_alone()
    {
        var engine = await EngineAsync();
        if (!File.Exists("/usr/bin/unshare") || Environment.UserName != "root")
        {
            Assert.Skip("needs root and util-linux's unshare for a second pid namespace");
        }

        var session = Session();
        var network = await CreateAsync(engine, session, _ => { });
        var reports = Directory.CreateTempSubdirectory("bbt-sweep-");
        try
        {
            // A second harness process, as a CI job in a container would run it: its own pid namespace, where this
            // process's pid does not exist. Its first docker launch sweeps.
            var run = await Cli.Wrap("unshare")
                .WithArguments(["--pid", "--fork", "--mount-proc", RepositoryLayout.DotnetHost, RepositoryLayout.CliDll,
                    "probes", "--backend", "docker", "--probe", "loopback-refused", "--report-dir", reports.FullName])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Ct);
            Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);

            Assert.Contains("network " + network, await EngineSweeper.ListAsync(engine.Client, session, Ct));
        }
        finally
        {
            reports.Delete(recursive: true);
            await EngineSweeper.RemoveSessionAsync(engine.Client, session, NullLogger.Instance, Ct);
        }
    }

    /// <summary>Creates a labelled network (labels changed by <paramref name="label"/>), sweeps, and asserts the network is still there.</summary>
    private static async Task AssertASweepKeepsAsync(Action<Dictionary<string, string>> label)
    {
        var engine = await EngineAsync();
        var session = Session();
        var network = await CreateAsync(engine, session, label);
        try
        {
            await EngineSweeper.RemoveOrphansAsync(engine.Client, NullLogger.Instance, Ct);

            Assert.Contains("network " + network, await EngineSweeper.ListAsync(engine.Client, session, Ct));
        }
        finally
        {
            await EngineSweeper.RemoveSessionAsync(engine.Client, session, NullLogger.Instance, Ct);
        }
    }

    private static string DeadPid => int.MaxValue.ToString(CultureInfo.InvariantCulture);

    private static string Session() => "sw" + Guid.NewGuid().ToString("N")[..6];

    private static int ParentPid()
    {
        var stat = File.ReadAllText($"/proc/{Environment.ProcessId}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static async Task<DockerEngine> EngineAsync()
    {
        await BackendGate.RequireAsync(new DockerBackend());
        return await EngineProvider.For().GetAsync(Ct);
    }

    private static async Task<string> CreateAsync(DockerEngine engine, string session, Action<Dictionary<string, string>> label)
    {
        var name = $"bbt-{session}-swept-net";
        var labels = ResourceLabels.For($"bbt-{session}-swept", "network");
        labels[ResourceLabels.Session] = session;
        label(labels);
        await engine.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name, Internal = true, Labels = labels }, Ct);
        return name;
    }
}
