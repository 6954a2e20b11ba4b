using System.IO.Compression;
using System.Text.Json;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Smolmachines.Doctor;
using BotBottle.Testing.Tests.Support;
using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>
/// <c>botbottle doctor --backend smolmachines</c> against the emulated smolvm (a container guest, not a VM): every step
/// is named and passes on emulated smolvm 1.9.3; an injected fault fails the step it belongs to, and the support bundle
/// holds that call's argv, exit code and stderr, and none of the run's secrets.
/// </summary>
[Trait("Category", "EmulatedSmolvm")]
public sealed class DoctorTests : IDisposable
{
    private const string Secret = "doctor-secret-7f3a91c2e5";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DirectoryInfo _out = Directory.CreateTempSubdirectory("bbt-doctor-");

    public void Dispose() => _out.Delete(recursive: true);

    [Fact]
    public async Task On_emulated_smolvm_1_9_3_every_step_passes_and_the_bundle_records_every_smolvm_call_without_the_secret()
    {
        using var smolvm = new EmulatedSmolvm();
        await BackendGate.RequireAsync(smolvm.Backend());

        var report = await DoctorAsync(smolvm);

        Assert.Equal("smolmachines (emulated smolvm 1.9.3)", report.Subject);
        Assert.Equal(SmolmachinesDoctor.StepNames, report.Steps.Select(s => s.Name));
        Assert.All(report.Steps, s => Assert.True(s.Outcome == DoctorOutcome.Pass, s.Line));
        Assert.StartsWith("emulated smolvm 1.9.3 at ", report.Steps.Single(s => s.Name == SmolmachinesDoctor.Version).Detail, StringComparison.Ordinal);
        var calls = await CallsAsync(report);
        var argvs = calls.Select(c => string.Join(' ', c.GetProperty("argv").EnumerateArray().Select(a => a.GetString()))).ToList();
        Assert.Contains("--version", argvs);
        foreach (var verb in (string[])["create", "start", "exec", "delete", "ls"])
        {
            Assert.Contains(calls, c => Verb(c) == verb && c.GetProperty("exitCode").GetInt32() == 0);
        }

        // The secret went to the guest by name (--secret-env), its value through smolvm's environment only.
        Assert.Contains(argvs, a => a.Contains("--secret-env DOCTOR_SECRET=BBT_ENV_DOCTOR_SECRET", StringComparison.Ordinal));
        await AssertNoSecretAsync(report);
        Assert.Equal("[]", (await smolvm.RunAsync("machine", "ls", "--json")).Stdout.Trim());
    }

    [Theory]
    [InlineData("machine create", SmolmachinesDoctor.Created, "create")]
    [InlineData("machine start", SmolmachinesDoctor.Started, "start")]
    public async Task On_emulated_smolvm_1_9_3_an_injected_fault_fails_its_step_and_the_bundle_holds_its_argv_exit_code_and_stderr(string fault, string step, string verb)
    {
        using var smolvm = new EmulatedSmolvm();
        await BackendGate.RequireAsync(smolvm.Backend());

        var report = await DoctorAsync(smolvm, fault);

        var failed = Assert.Single(report.Steps, s => s.Outcome == DoctorOutcome.Fail);
        Assert.Equal(step, failed.Name);
        Assert.Contains($"injected fault: smolvm {fault}", failed.Detail, StringComparison.Ordinal);
        var index = SmolmachinesDoctor.StepNames.ToList().IndexOf(step);
        Assert.All(report.Steps.Take(index), s => Assert.Equal(DoctorOutcome.Pass, s.Outcome));
        Assert.All(report.Steps.Skip(index + 1).SkipLast(1), s => Assert.Equal(DoctorOutcome.Skipped, s.Outcome));
        Assert.Equal(DoctorOutcome.Pass, report.Steps[^1].Outcome);   // teardown: the failed launch left no machine

        var call = Assert.Single(await CallsAsync(report), c => Verb(c) == verb);
        Assert.Equal(1, call.GetProperty("exitCode").GetInt32());
        Assert.StartsWith($"Error: injected fault: smolvm {fault}", call.GetProperty("stderr").GetString(), StringComparison.Ordinal);
        Assert.Contains("--name", call.GetProperty("argv").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains($"FAIL\t{step}\t", await File.ReadAllTextAsync(Path.Combine(report.BundleDirectory, "doctor.txt"), Ct), StringComparison.Ordinal);
        await AssertNoSecretAsync(report);
        Assert.Equal("[]", (await smolvm.RunAsync("machine", "ls", "--json")).Stdout.Trim());
    }

    [Fact]
    public async Task On_emulated_smolvm_1_9_3_a_mount_socket_bridge_that_fails_fails_the_proxy_step_after_the_exec_answered()
    {
        using var smolvm = new EmulatedSmolvm();
        await BackendGate.RequireAsync(smolvm.Backend());

        var report = await DoctorAsync(smolvm, "mount-socket");

        var failed = Assert.Single(report.Steps, s => s.Outcome == DoctorOutcome.Fail);
        Assert.Equal(SmolmachinesDoctor.Proxy, failed.Name);
        Assert.Contains("the proxy socket is not in the guest", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(DoctorOutcome.Pass, report.Steps.Single(s => s.Name == SmolmachinesDoctor.Started).Outcome);
        Assert.Equal(DoctorOutcome.Pass, report.Steps[^1].Outcome);
    }

    [Fact]
    public async Task On_emulated_smolvm_1_8_0_the_minimum_version_step_fails_with_its_reasons_and_no_machine_is_created()
    {
        using var smolvm = new EmulatedSmolvm(EmulatedSmolvm.Old18);

        var report = await DoctorAsync(smolvm);

        var failed = Assert.Single(report.Steps, s => s.Outcome == DoctorOutcome.Fail);
        Assert.Equal(SmolmachinesDoctor.Minimum, failed.Name);
        Assert.Contains("1.8.0 is older than 1.9.0", failed.Detail, StringComparison.Ordinal);
        Assert.All(report.Steps.SkipWhile(s => s.Name != SmolmachinesDoctor.Bundle), s => Assert.Equal(DoctorOutcome.Skipped, s.Outcome));
        Assert.DoesNotContain(await CallsAsync(report), c => Verb(c) == "create");
        Assert.True(File.Exists(report.BundleZip));
    }

    private async Task<DoctorReport> DoctorAsync(EmulatedSmolvm smolvm, string? fault = null)
    {
        var options = fault is null ? smolvm.Options : smolvm.Options with
        {
            Environment = new Dictionary<string, string?>(smolvm.Options.Environment) { ["SMOLVM_EMULATOR_FAULT"] = fault },
        };
        var settings = new DoctorSettings
        {
            AgentImage = TestImages.Agent,
            BundleImage = TestImages.Bundle,
            Env = new Dictionary<string, string> { ["DOCTOR_SECRET"] = Secret },
            OutputDirectory = _out.FullName,
        };
        return await new SmolmachinesDoctor(options, settings, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).RunAsync(Ct);
    }

    /// <summary>The machine subcommand of a recorded call (create, start, …), or null for <c>--version</c>.</summary>
    private static string? Verb(JsonElement call) => call.GetProperty("argv").GetArrayLength() > 1 ? call.GetProperty("argv")[1].GetString() : null;

    private static async Task<List<JsonElement>> CallsAsync(DoctorReport report)
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(report.BundleDirectory, "doctor.json"), Ct));
        return [.. json.RootElement.GetProperty("smolvm").EnumerateArray().Select(c => c.Clone())];
    }

    /// <summary>Neither the folder's files nor the zip's entries hold the secret, in any spelling SecretValues masks.</summary>
    private static async Task AssertNoSecretAsync(DoctorReport report)
    {
        string[] spellings = [Secret, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Secret))];
        using var zip = ZipFile.OpenRead(report.BundleZip);
        Assert.Equal(["doctor.json", "doctor.txt"], zip.Entries.Select(e => e.Name).Order(StringComparer.Ordinal));
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            var text = await reader.ReadToEndAsync(Ct);
            Assert.All(spellings, s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
        }

        foreach (var file in Directory.EnumerateFiles(report.BundleDirectory))
        {
            var text = await File.ReadAllTextAsync(file, Ct);
            Assert.All(spellings, s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
        }
    }
}

/// <summary>The support bundle masks a registered secret wherever a call carried it (here, a guest's stderr), in its folder and its zip.</summary>
public sealed class SupportBundleTests : IDisposable
{
    private readonly DirectoryInfo _out = Directory.CreateTempSubdirectory("bbt-bundle-");

    public void Dispose() => _out.Delete(recursive: true);

    [Fact]
    public async Task A_secret_in_a_smolvm_call_s_stderr_or_argv_is_masked_in_the_folder_and_the_zip()
    {
        const string secret = "bundle-secret-c41d9e07aa";
        BotBottle.Testing.Diagnostics.SecretValues.Register([secret]);
        var call = new SmolvmCall(["machine", "exec", "--name", "m", "--", "echo", secret], DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), 1, $"Error: guest said {secret}\n", null);
        var step = new DoctorStep(SmolmachinesDoctor.Exec, DoctorOutcome.Fail, "saw " + secret, TimeSpan.Zero);

        var (directory, zip) = await SupportBundle.WriteAsync(_out.FullName, "smolmachines (emulated smolvm 1.9.3)", [step], new PrerequisiteReport("smolmachines", []), [call], TestContext.Current.CancellationToken);

        var json = await File.ReadAllTextAsync(Path.Combine(directory, "doctor.json"), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        Assert.Contains("Error: guest said ***", json, StringComparison.Ordinal);
        Assert.Contains("\"***\"", json, StringComparison.Ordinal);
        using var archive = ZipFile.OpenRead(zip);
        foreach (var entry in archive.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            Assert.DoesNotContain(secret, await reader.ReadToEndAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_secret_across_the_stderr_cut_is_masked_whole_and_the_folder_is_private()
    {
        var secret = "sk-live-" + Guid.NewGuid().ToString("N")[..12];
        BotBottle.Testing.Diagnostics.SecretValues.Register([secret]);
        var stderr = new string('x', SupportBundle.MaxStderr - 6) + secret + "\n";
        var call = new SmolvmCall(["machine", "ls"], DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), 1, stderr, null);

        var (directory, _) = await SupportBundle.WriteAsync(_out.FullName, "smolmachines (emulated smolvm 1.9.3)", [], new PrerequisiteReport("smolmachines", []), [call], TestContext.Current.CancellationToken);

        var json = await File.ReadAllTextAsync(Path.Combine(directory, "doctor.json"), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(secret[..6], json, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
    }
}
