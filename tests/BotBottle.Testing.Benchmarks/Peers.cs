using BotBottle.Testing.Bottles;
using System.Globalization;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Provisioning;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Benchmarks;

/// <summary>The same bottle built by hand with the docker CLI, step for step: the peer every harness row is compared with.</summary>
internal sealed class CliBottle
{
    /// <summary>The harness's own labels for this process's session, so its reaper removes what a killed benchmark left.</summary>
    private static string[] Labels(string bottle) =>
        [.. ResourceLabels.For(bottle, "bench").SelectMany(l => new[] { "--label", l.Key + "=" + l.Value })];

    private CliBottle(string name) => Name = name;

    public string Name { get; }

    public string Agent => Name + "-agent";

    /// <summary>
    /// What a launch does, by hand, step for step, one command after the other: the network, on a subnet of the
    /// harness's pool (another when the engine says it is taken); the bundle, at the subnet's bundle address; the
    /// agent, with that address as its only resolver (CVE-2024-29018); the bundle waited for until ready; the prompt
    /// file copied in (root's, group node, 0640, in its root-owned folder) and the home given to node; the first exec as node.
    /// </summary>
    public static async Task<CliBottle> LaunchAsync()
    {
        var bottle = new CliBottle("bbt-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var name = bottle.Name;
        BottleSubnet subnet;
        BufferedCommandResult created;
        do
        {
            subnet = BottleSubnet.Pick();
            created = await Docker(["network", "create", "--internal", .. Labels(name), "-o", "com.docker.network.bridge.inhibit_ipv4=true",
                "--subnet", subnet.Request.Subnet, "--ip-range", subnet.Request.DynamicRange!, name + "-net"]);
        }
        while (created.ExitCode != 0 && created.StandardError.Contains("overlaps", StringComparison.OrdinalIgnoreCase));

        await Docker(["run", "-d", "--init", "--security-opt", "no-new-privileges", "--cap-add", "NET_ADMIN", .. Labels(name), "--name", name + "-bundle", "--hostname", "bundle", "--network", name + "-net",
            "--ip", subnet.BundleAddress, "--network-alias", "bundle", Images.Bundle]);

        // The agent as the harness hardens it (AgentHardening), so the peer does the same work.
        var limits = AgentLimits.Default;
        await Docker(["run", "-d", "--init", "--security-opt", "no-new-privileges", "--cap-drop", "ALL", .. AgentHardening.Kept.SelectMany(c => new[] { "--cap-add", c }),
            "--pids-limit", Processes.Argv.Number(limits.Pids), "--memory", limits.MemoryBytes.ToString(CultureInfo.InvariantCulture), "--memory-swap", limits.MemoryBytes.ToString(CultureInfo.InvariantCulture),
            "--cpus", limits.Cpus.ToString(CultureInfo.InvariantCulture), .. Labels(name), "-u", "0", "--name", bottle.Agent, "--hostname", "agent", "--network", name + "-net",
            "--dns", subnet.BundleAddress, "--dns-option", "timeout:1", "--dns-option", "attempts:1", "--entrypoint", "/bin/sh", Images.Agent, "-c", "while :; do sleep 3600; done"]);
        while ((await Docker("exec", name + "-bundle", "test", "-e", "/run/bundle/ready")).ExitCode != 0)
        {
            await Task.Delay(50);
        }

        await Docker("cp", Prompt.Value, bottle.Agent + ":/tmp/bbt-prompt.txt");
        var prompt = BottleProvisioner.PromptGuestPath;
        var folder = BottleProvisioner.PromptDirectory;
        await Docker("exec", "-u", "0", bottle.Agent, "/bin/sh", "-c",
            $"mkdir -p /home/node && chown -R node:node /home/node && rm -rf {folder} && mkdir -m 0750 {folder} && chgrp node {folder} && mv /tmp/bbt-prompt.txt {prompt} && chown root:node {prompt} && chmod 0640 {prompt}");
        await bottle.ExecAsync();
        return bottle;
    }

    /// <summary>The (empty) prompt file the harness provisions in every bottle.</summary>
    private static readonly Lazy<string> Prompt = new(() =>
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("bbt-bench-prompt-").FullName, "prompt.txt");
        File.WriteAllText(path, "");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        return path;
    });

    /// <summary><c>docker exec</c> of the harness's own argv for <c>true</c> as node.</summary>
    public Task<BufferedCommandResult> ExecAsync() => Docker(["exec", "-u", "0", Agent, .. Argv]);

    public async Task RemoveAsync()
    {
        await Docker("rm", "-f", Agent, Name + "-bundle");
        await Docker("network", "rm", Name + "-net");
    }

    /// <summary>What every exec row runs: <c>true</c> as node, through the harness's runuser line.</summary>
    public static IReadOnlyList<string> Argv { get; } = GuestCommand.ForScript(GuestUsers.Agent, "true");

    // Buffered: the docker CLI dies of SIGPIPE (141) when nobody reads what it prints.
    public static Task<BufferedCommandResult> Docker(params string[] args) =>
        Cli.Wrap("docker").WithArguments(args).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
}

internal static class Images
{
    public static string Agent => BottleBuilder.ReferenceAgentImage;

    public static string Bundle => BottleBuilder.ReferenceBundleImage;
}

/// <summary>
/// The floor: the same bottle with the fewest raw engine-API calls that do its steps, every one as early as what it
/// needs allows (network on a subnet of the harness's pool; bundle and agent created and started at the same time, the
/// agent with the bundle's fixed address as resolver; home given to node by the agent's keep-alive; prompt uploaded;
/// one exec), every wait the engine's own; removed as fast as the engine allows (both containers killed at once, then
/// the network removed while they are). Nothing the harness adds is in it.
/// </summary>
internal sealed class RawBottle(DockerClient client, string name)
{
    private string? _network;
    private readonly List<string> _containers = [];

    public static async Task<RawBottle> LaunchAsync(DockerClient client)
    {
        var bottle = new RawBottle(client, "bbt-bench-" + Guid.NewGuid().ToString("N")[..8]);
        await bottle.StartAsync();
        return bottle;
    }

    public async Task RemoveAsync()
    {
        await Task.WhenAll(_containers.Select(id => client.Containers.KillContainerAsync(id, new ContainerKillParameters())));
        var removals = _containers.Select(id => client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true })).ToList();
        if (_network is not null)
        {
            removals.Add(client.Networks.DeleteNetworkAsync(_network));
        }

        await Task.WhenAll(removals);
    }

    private async Task StartAsync()
    {
        var labels = ResourceLabels.For(name, "bench");
        var network = name + "-net";
        BottleSubnet? subnet = null;
        while (_network is null)
        {
            subnet = BottleSubnet.Pick();
            try
            {
                _network = (await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
                {
                    Name = network,
                    Internal = true,
                    Labels = labels,
                    Options = new Dictionary<string, string> { ["com.docker.network.bridge.inhibit_ipv4"] = "true" },
                    IPAM = new IPAM { Config = [new IPAMConfig { Subnet = subnet.Request.Subnet, IPRange = subnet.Request.DynamicRange! }] },
                })).ID;
            }
            catch (Exception e) when (EngineNetwork.IsSubnetTaken(e))
            {
            }
        }

        var bundle = CreateAsync(new CreateContainerParameters
        {
            Name = name + "-bundle",
            Image = Images.Bundle,
            Hostname = "bundle",
            Labels = labels,
            HostConfig = new HostConfig { Init = true, NetworkMode = network, CapAdd = ["NET_ADMIN"], SecurityOpt = ["no-new-privileges"] },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() { Aliases = ["bundle"], IPAMConfig = new EndpointIPAMConfig { IPv4Address = subnet!.BundleAddress } } },
            },
        });
        var agent = CreateAsync(new CreateContainerParameters
        {
            Name = name + "-agent",
            Image = Images.Agent,
            Hostname = "agent",
            User = "0",
            Labels = labels,
            Entrypoint = ["/bin/sh", "-c", "chown -R node:node /home/node; while :; do sleep 3600; done"],
            HostConfig = new HostConfig
            {
                Init = true, NetworkMode = network, DNS = [subnet.BundleAddress], DNSOptions = ["timeout:1", "attempts:1"],
                CapDrop = ["ALL"], CapAdd = [.. AgentHardening.Kept], SecurityOpt = ["no-new-privileges"],
                PidsLimit = AgentLimits.Default.Pids, Memory = AgentLimits.Default.MemoryBytes, MemorySwap = AgentLimits.Default.MemoryBytes, NanoCPUs = (long)(AgentLimits.Default.Cpus * 1e9),
            },
        });
        await Task.WhenAll(bundle, agent);
        using (var tar = await GuestArchive.CreateAsync([IAgentRuntime.GuestFile.DirectoryEntry(BottleProvisioner.PromptDirectory, 0, 1000), new IAgentRuntime.GuestFile(BottleProvisioner.PromptGuestPath, null, Array.Empty<byte>(), 0, 1000, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)], CancellationToken.None))
        {
            await client.Containers.ExtractArchiveToContainerAsync(await agent, new CopyToContainerParameters { Path = "/" }, tar);
        }

        await RawClient.ExecAsync(client, await agent);
    }

    private async Task<string> CreateAsync(CreateContainerParameters parameters)
    {
        var id = (await client.Containers.CreateContainerAsync(parameters)).ID;
        lock (_containers)
        {
            _containers.Add(id);
        }

        await client.Containers.StartContainerAsync(id, new ContainerStartParameters());
        return id;
    }
}

/// <summary>A plain Docker.DotNet client on the harness's engine, at the API version it negotiated.</summary>
internal static class RawClient
{
    public static DockerClient Create()
    {
        var engine = Task.Run(() => EngineProvider.For().GetAsync(CancellationToken.None)).GetAwaiter().GetResult();
        return new DockerClientBuilder().WithEndpoint(engine.Endpoint.Uri).WithApiVersion(engine.ApiVersion).Build();
    }

    /// <summary>One engine exec of <see cref="CliBottle.Argv"/> (create, start, read to the end, inspect); its exit code.</summary>
    public static async Task<long?> ExecAsync(DockerClient client, string containerId)
    {
        var exec = await client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters { Cmd = [.. CliBottle.Argv], User = "0", AttachStdout = true, AttachStderr = true });
        using (var stream = await client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters()))
        {
            await stream.ReadOutputToEndAsync(CancellationToken.None);
        }

        return (await client.Exec.InspectContainerExecAsync(exec.ID)).ExitCode;
    }
}
