using BotBottle.Testing.Bundles;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Snapshots;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>Every smolvm argv shape, per version, pinned as a snapshot.</summary>
public sealed class SmolvmCommandsTests
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> Env =
        GuestEnvironment.For(new BundleEndpoint("172.30.0.2", 3128, "bbt-net"), new Dictionary<string, string> { ["PROJECT"] = "alpha beta" });

    [Theory]
    [InlineData("0.8.0")]
    [InlineData("1.9.3")]
    public Task Lifecycle_commands(string version)
    {
        var v = SmolvmVersion.Parse("smolvm " + version);
        var text = string.Join("\n\n", new[]
        {
            ("create", SmolvmCommands.Create(v, "bbt-0-1", "/cache/agent.smolmachine", ["172.30.0.2/32"], Env, cpus: 2, memoryMib: 2048)),
            ("start", SmolvmCommands.Start("bbt-0-1")),
            ("exec", SmolvmCommands.Exec("bbt-0-1", ["/bin/sh", "-c", "echo hi"])),
            ("exec tty", SmolvmCommands.Exec("bbt-0-1", ["claude"], tty: true)),
            ("cp", SmolvmCommands.CopyIn("bbt-0-1", "/tmp/prompt.txt", "/home/node/.bot-bottle-prompt.txt")),
            ("stop", SmolvmCommands.Stop("bbt-0-1")),
            ("delete", SmolvmCommands.Delete(v, "bbt-0-1")),
            ("pack", SmolvmCommands.PackCreate("botbottle/agent:reference", "/cache/key")),
        }.Select(p => $"# {p.Item1}\n{ArgvText.Render(p.Item2)}"));
        return Snapshot.VerifyAsync($"smolvm {version}\n\n{text}", parameters: "version=" + version);
    }

    [Theory]
    [InlineData("smolvm 0.8.0", "0.8.0", false, false)]
    [InlineData("smolvm 1.0.2\n", "1.0.2", true, false)]
    [InlineData("smolvm 1.8.0 (abc123 2026-01-01)", "1.8.0", true, true)]
    public void Version_parsing_drives_the_contract_switches(string output, string expected, bool nameFlag, bool enforcesAllowList)
    {
        var version = SmolvmVersion.Parse(output);

        Assert.Equal(expected, version.ToString());
        Assert.Equal(nameFlag, version.UsesNameFlag);
        Assert.Equal(enforcesAllowList, version.EnforcesAllowCidrFromPack);
    }

    [Fact]
    public void An_unreadable_version_is_a_smolvm_error_that_quotes_the_output()
    {
        var error = Assert.Throws<SmolvmException>(() => SmolvmVersion.Parse("command not understood"));
        Assert.Contains("command not understood", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "Error: vm not found: x", true)]
    [InlineData(1, "  Error: agent operation failed", true)]
    [InlineData(1, "guest: Error: mine", false)]
    [InlineData(2, "Error: usage", false)]
    [InlineData(0, "Error: fine", false)]
    public void Smolvm_failure_shape_is_exit_1_with_Error_on_stderr(int exitCode, string stderr, bool expected) =>
        Assert.Equal(expected, SmolvmException.IsSmolvmFailure(exitCode, stderr));
}
