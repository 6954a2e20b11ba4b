using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Results;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Tests.Support;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>
/// <c>placeholder-secrets-only</c> judges what the agent really has, by shape as well as by name: a URL with a
/// password, a Bearer credential, a token in the image's ENV under an innocent name, and a token a login profile
/// exports on the agent's start path each fail it, naming the variable and never its value; and no report, log line
/// or exception shows a value given with WithEnv, whatever its name.
/// </summary>
[Trait("Category", "Isolation")]
public sealed class SecretScanTests
{
    private const string Check = "placeholder-secrets-only";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> Images { get; } = new()
    {
        { "token-in-env", "DEPLOY_NOTE", "ghp_Zq7XbWm2VtR9kLp4NsYd8HcFgJ3eUa6QoT1i" },
        { "token-in-profile-d", "SERVICE_LINK", "glpat-8Hx2Kq9Rm4Tz7Wv1Yb3N" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public async Task A_token_the_image_ships_fails_the_check_naming_the_variable(string defect, string name, string value)
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var image = "botbottle/agent-secret:" + defect;
        await FixtureImages.BuildAsync("Adversarial", defect, image, Ct);
        try
        {
            var result = await RunAsync(new ConformanceOptions { AgentImage = image, Backends = [new DockerBackend()] });

            Assert.True(result.Verdict == Verdict.Failed, $"{result.Verdict}: {result.Explain()}\n{result.Evidence}");
            Assert.Contains("present: " + name, result.Evidence, StringComparison.Ordinal);
            Assert.DoesNotContain(value, result.Evidence + result.Message, StringComparison.Ordinal);
        }
        finally
        {
            await FixtureImages.RemoveAsync([image]);
        }
    }

    [Fact]
    public async Task Credentials_by_shape_fail_the_check_and_no_report_shows_a_value()
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        var bearer = "tok" + Guid.NewGuid().ToString("N");
        var logger = new RecordingLogger();
        var lines = new List<string>();
        var reports = Directory.CreateTempSubdirectory("bbt-secret-reports-");
        try
        {
            var spec = ConformanceSpec.BotBottle;
            var report = await ConformanceRunner.RunAsync(spec, new ConformanceOptions
            {
                Backends = [new DockerBackend(logger: logger)],
                Env = new Dictionary<string, string>
                {
                    ["DATABASE_URL"] = $"postgres://app:{password}@db.internal/app",
                    ["AUTHORIZATION"] = "Bearer " + bearer,
                    ["SIGNING"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                    ["NOTIFY"] = "https://hooks.slack.com/services/T0000/B0000/" + Guid.NewGuid().ToString("N"),
                    ["GIT_ASKPASS_VALUE"] = "x-access-token:ghp_" + Guid.NewGuid().ToString("N"),
                    ["REPORTING_DSN"] = "postgres://app@db.internal/app?sslmode=require&password=" + Guid.NewGuid().ToString("N")[..10],
                },
            }, lines.Add, cancellationToken: Ct);
            var files = await ReportFiles.WriteAsync(report, reports.FullName, "secrets", Ct);
            var result = report[DockerBackend.BackendName].Results.Single(r => r.CheckId.EndsWith(Check, StringComparison.Ordinal));

            Assert.True(result.Verdict == Verdict.Failed, $"{result.Verdict}: {result.Explain()}\n{result.Evidence}");
            Assert.Contains("present: DATABASE_URL (a URL with a password", result.Evidence, StringComparison.Ordinal);
            Assert.Contains("present: AUTHORIZATION", result.Evidence, StringComparison.Ordinal);
            Assert.Contains("present: SIGNING (a long hex key", result.Evidence, StringComparison.Ordinal);
            Assert.Contains("present: NOTIFY (a webhook URL", result.Evidence, StringComparison.Ordinal);
            Assert.Contains("present: GIT_ASKPASS_VALUE (a well-known token prefix", result.Evidence, StringComparison.Ordinal);
            Assert.Contains("present: REPORTING_DSN (a credential in a query string", result.Evidence, StringComparison.Ordinal);
            var everything = string.Join("\n", files.Select(File.ReadAllText).Concat(lines).Concat(logger.Lines)
                .Concat(report.Runs.SelectMany(r => r.Results).Select(r => r.Message + r.Evidence)));
            Assert.DoesNotContain(password, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(bearer, everything, StringComparison.Ordinal);
            Assert.Contains("env.", everything, StringComparison.Ordinal);
        }
        finally
        {
            reports.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_value_given_with_WithEnv_is_masked_in_an_exec_failure_whatever_its_name()
    {
        var value = "v-" + Guid.NewGuid().ToString("N");
        _ = new BottleBuilder().WithEnv("PLAIN_SETTING", value);

        var error = new BottleExecFailedException(new BottleExecResult(1, $"connecting with {value}\n", $"postgres://x:{value}@h failed", TimeSpan.Zero));

        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        Assert.Contains("connecting with ***", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_is_masked_as_JSON_XML_URL_and_base64_spell_it_and_a_URL_password_as_a_Basic_credential()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var password = "p\"w<&d-" + suffix;
        var url = $"https://deploy:{Uri.EscapeDataString(password)}@registry.internal/";
        _ = new BottleBuilder().WithEnv("ANY_NAME", password).WithEnv("OTHER", url);
        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("deploy:" + password));

        var texts = new[]
        {
            System.Text.Json.JsonSerializer.Serialize(new { evidence = password }),
            System.Security.SecurityElement.Escape(password)!,
            Uri.EscapeDataString(password),
            "Authorization: Basic " + basic,
        };

        foreach (var text in texts)
        {
            var masked = new BottleExecFailedException(new BottleExecResult(1, text, "", TimeSpan.Zero)).Message;
            Assert.DoesNotContain(suffix, masked, StringComparison.Ordinal);
            Assert.DoesNotContain(basic, masked, StringComparison.Ordinal);
            Assert.Contains("***", masked, StringComparison.Ordinal);
        }
    }

    private static async Task<CheckResult> RunAsync(ConformanceOptions options)
    {
        var report = await ConformanceRunner.RunAsync(ConformanceSpec.ProbesOnly([Check]), options, cancellationToken: Ct);
        return report[DockerBackend.BackendName].Results.Single(r => r.CheckId.EndsWith(Check, StringComparison.Ordinal));
    }
}
