using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Guest;
using CliWrap;
using CliWrap.Buffered;

namespace BotBottle.Testing.Benchmarks;

/// <summary>The same bottle built by hand with the docker CLI: the peer every harness row is compared with.</summary>
internal sealed class CliBottle
{
    private const string Label = ResourceLabels.Harness + "=" + ResourceLabels.HarnessName;

    private CliBottle(string name) => Name = name;

    public string Name { get; }

    public string Agent => Name + "-agent";

    /// <summary>Network, bundle (waited for until ready), agent, first exec as node: what a launch does, by hand.</summary>
    public static async Task<CliBottle> LaunchAsync()
    {
        var bottle = new CliBottle("bbt-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var name = bottle.Name;
        await Docker("network", "create", "--internal", "--label", Label, "-o", "com.docker.network.bridge.inhibit_ipv4=true", name + "-net");
        await Docker("run", "-d", "--init", "--label", Label, "--name", name + "-bundle", "--network", name + "-net", "--network-alias", "bundle", Images.Bundle);
        await Docker("run", "-d", "--init", "--label", Label, "-u", "0", "--name", bottle.Agent, "--network", name + "-net", "--entrypoint", "/bin/sh", Images.Agent, "-c", "while :; do sleep 3600; done");
        while ((await Docker("exec", name + "-bundle", "test", "-e", "/run/bundle/ready")).ExitCode != 0)
        {
            await Task.Delay(50);
        }

        await bottle.ExecAsync();
        return bottle;
    }

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
