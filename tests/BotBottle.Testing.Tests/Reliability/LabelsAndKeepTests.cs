using System.Diagnostics;
using System.Globalization;
using BotBottle.Testing.Reaping;
using BotBottle.Testing.Tests.Support;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Reliability;

/// <summary>
/// User labels land on every resource of a bottle and cannot impersonate the harness's own; a bottle kept on failure is
/// left standing (the exception says until when and how to remove it by hand), the reaper of a dead host and the sweep
/// leave it alone until then, and the sweep removes it after.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class LabelsAndKeepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("dev.botbottle.session")]
    [InlineData("DEV.BotBottle.keep-until")]
    [InlineData("org.testcontainers")]
    [InlineData("org.testcontainers.resource-reaper-session")]
    public void A_label_in_a_harness_prefix_is_refused_naming_the_prefix(string key)
    {
        var error = Assert.Throws<ArgumentException>(() => new BottleBuilder().WithLabel(key, "x"));

        Assert.Contains("which the harness owns", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("0", null)]
    [InlineData("false", null)]
    [InlineData("1", 60)]
    [InlineData("true", 60)]
    [InlineData("00:05:00", 5)]
    public void The_keep_variable_reads_on_off_or_a_duration(string? value, int? minutes)
    {
        Assert.Equal(minutes is { } m ? TimeSpan.FromMinutes(m) : null, BottleLabels.KeepFromEnvironment(value));
    }

    [Fact]
    public void A_keep_variable_that_is_no_duration_is_refused_naming_it() =>
        Assert.Contains("BOTBOTTLE_KEEP_ON_FAILURE='soon'", Assert.Throws<ArgumentException>(() => BottleLabels.KeepFromEnvironment("soon")).Message, StringComparison.Ordinal);

    [Fact]
    public async Task A_users_labels_are_on_the_network_the_bundle_and_the_agent()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        var team = "alpha-" + Guid.NewGuid().ToString("N")[..6];
        await using var bottle = new BottleBuilder().WithBackend(backend).WithAgentImage(TestImages.Agent).WithBundleImage(TestImages.Bundle)
            .WithLabel("com.example.team", team).WithLabel("com.example.run", "42").Build();
        await bottle.StartAsync(Ct);

        var resources = await LabelledAsync("com.example.team=" + team);

        Assert.Equal(["container agent", "container bundle", "container witness", "network network"], resources.Select(r => r.Kind + " " + r.Labels[ResourceLabels.Role]).Order(StringComparer.Ordinal));
        Assert.All(resources, r => Assert.Equal(("42", bottle.Name), (r.Labels["com.example.run"], r.Labels[ResourceLabels.Bottle])));
    }

    [Fact]
    public async Task A_bottle_kept_on_failure_stays_labelled_and_the_message_says_until_when_and_how_to_remove_it()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        var spec = TestImages.Spec with { Name = BottleNames.NewBottleName(), KeepOnFailure = TimeSpan.FromMinutes(10) };
        var before = DateTimeOffset.UtcNow;

        BottleLaunchException error;
        using (LaunchFaults.Inject("wait for exec", new InvalidOperationException("injected at wait for exec")))
        {
            error = await Assert.ThrowsAsync<BottleLaunchException>(() => backend.LaunchAsync(spec, Ct));
        }

        var kept = await LabelledAsync(ResourceLabels.Bottle + "=" + spec.Name);
        try
        {
            Assert.Equal("wait for exec", error.Step);
            Assert.InRange(error.KeptUntil!.Value, before.AddMinutes(10).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(10).AddSeconds(1));
            Assert.Contains("kept for debugging until", error.Message, StringComparison.Ordinal);
            Assert.Equal(["container agent", "container bundle", "container witness", "network network"], kept.Select(r => r.Kind + " " + r.Labels[ResourceLabels.Role]).Order(StringComparer.Ordinal));
            Assert.All(kept, r => Assert.Equal(error.KeptUntil.Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), r.Labels[BottleLabels.KeepUntil]));

            // The command the message gives, run as a person would paste it, removes everything.
            var byHand = error.Message[(error.Message.IndexOf("remove it by hand with: ", StringComparison.Ordinal) + "remove it by hand with: ".Length)..];
            var removed = await Cli.Wrap("/bin/sh").WithArguments(["-c", byHand]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(Ct);
            Assert.True(removed.ExitCode == 0, byHand + "\n" + removed.StandardError);
            Assert.Empty(await LabelledAsync(ResourceLabels.Bottle + "=" + spec.Name));
        }
        finally
        {
            await RemoveAsync(kept);
        }
    }

    [Fact]
    public async Task The_reaper_of_a_dead_host_leaves_a_kept_resource_and_removes_the_rest()
    {
        var engine = await EngineAsync();
        var session = "kp" + Guid.NewGuid().ToString("N")[..6];
        var plain = await CreateNetworkAsync(engine, session, "plain", null);
        var kept = await CreateNetworkAsync(engine, session, "kept", DateTimeOffset.UtcNow.AddHours(1));
        try
        {
            using var standIn = Process.Start(new ProcessStartInfo("sleep", "1") { UseShellExecute = false })!;
            await Watchdog.WatchDockerAsync(engine.Endpoint.Uri, "docker", session, NullLogger.Instance, standIn.Id);
            await standIn.WaitForExitAsync(Ct);

            var clock = Stopwatch.StartNew();
            while ((await EngineSweeper.ListAsync(engine.Client, session, Ct)).Contains("network " + plain) && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(250, Ct);
            }

            await Task.Delay(TimeSpan.FromSeconds(3), Ct); // the reaper's second pass
            Assert.Equal(["network " + kept], await EngineSweeper.ListAsync(engine.Client, session, Ct));
        }
        finally
        {
            await EngineSweeper.RemoveSessionAsync(engine.Client, session, NullLogger.Instance, Ct);
        }
    }

    [Fact]
    public async Task The_sweep_leaves_a_dead_creators_kept_resource_until_its_time_then_removes_it()
    {
        var engine = await EngineAsync();
        var session = "kp" + Guid.NewGuid().ToString("N")[..6];
        var future = await CreateNetworkAsync(engine, session, "future", DateTimeOffset.UtcNow.AddHours(1), DeadPid);
        var past = await CreateNetworkAsync(engine, session, "past", DateTimeOffset.UtcNow.AddSeconds(-5), DeadPid);
        try
        {
            await EngineSweeper.RemoveOrphansAsync(engine.Client, NullLogger.Instance, Ct);

            Assert.Equal(["network " + future], await EngineSweeper.ListAsync(engine.Client, session, Ct));
            Assert.DoesNotContain("network " + past, await EngineSweeper.ListAsync(engine.Client, session, Ct));
        }
        finally
        {
            await EngineSweeper.RemoveSessionAsync(engine.Client, session, NullLogger.Instance, Ct);
        }
    }

    private static string DeadPid => int.MaxValue.ToString(CultureInfo.InvariantCulture);

    private static async Task<DockerEngine> EngineAsync()
    {
        await BackendGate.RequireAsync(new DockerBackend());
        return await EngineProvider.For().GetAsync(Ct);
    }

    private static async Task<string> CreateNetworkAsync(DockerEngine engine, string session, string what, DateTimeOffset? keepUntil, string? pid = null)
    {
        var name = $"bbt-{session}-{what}-net";
        var labels = ResourceLabels.For($"bbt-{session}-{what}", "network");
        labels[ResourceLabels.Session] = session;
        if (keepUntil is { } until)
        {
            labels[BottleLabels.KeepUntil] = BottleLabels.Format(until);
        }

        if (pid is not null)
        {
            labels[ResourceLabels.Pid] = pid;
        }

        await engine.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name, Internal = true, Labels = labels }, Ct);
        return name;
    }

    private static async Task<IReadOnlyList<(string Kind, string Id, IDictionary<string, string> Labels)>> LabelledAsync(string label)
    {
        var engine = await EngineProvider.For().GetAsync(Ct);
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } };
        var containers = await engine.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, Ct);
        var networks = await engine.Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, Ct);
        return [.. containers.Select(c => ("container", c.ID, c.Labels)), .. networks.Select(n => ("network", n.ID, n.Labels))];
    }

    private static async Task RemoveAsync(IReadOnlyList<(string Kind, string Id, IDictionary<string, string> Labels)> resources)
    {
        var engine = await EngineProvider.For().GetAsync(Ct);
        foreach (var (_, id, _) in resources.Where(r => r.Kind == "container"))
        {
            await EngineContainer.RemoveAsync(engine.Client, id, CancellationToken.None);
        }

        foreach (var (_, id, _) in resources.Where(r => r.Kind == "network"))
        {
            await EngineNetwork.RemoveAsync(engine.Client, id, CancellationToken.None);
        }
    }
}
