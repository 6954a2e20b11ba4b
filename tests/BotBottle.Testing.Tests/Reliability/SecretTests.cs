using BotBottle.Testing.Docker;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Tests.Support;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Tests.Reliability;

/// <summary>
/// A token-like value given with WithEnv reaches the guest, and nothing else: no log line, no exception message, no
/// argv of any process on the host while the bottle launches and execs (read from /proc/*/cmdline, what ps shows).
/// </summary>
[Trait("Category", "Reliability")]
public sealed class SecretTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task A_token_stays_out_of_logs_exceptions_and_host_argv_on_docker() =>
        AssertSecretStaysInTheGuestAsync(logger => new DockerBackend(logger: logger));

    [Fact]
    public async Task A_token_stays_out_of_logs_exceptions_and_host_argv_on_emulated_smolvm()
    {
        using var smolvm = new EmulatedSmolvm();
        await AssertSecretStaysInTheGuestAsync(smolvm.Backend);
    }

    private static async Task AssertSecretStaysInTheGuestAsync(Func<RecordingLogger, BottleBackend> backendFor)
    {
        var logger = new RecordingLogger();
        var backend = backendFor(logger);
        await BackendGate.RequireAsync(backend);
        var secret = "ghp_" + Guid.NewGuid().ToString("N");
        var seenOnHost = new List<string>();
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                seenOnHost.AddRange(HostArgvContaining(secret));
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);

        string failure;
        await using (var bottle = new BottleBuilder().WithBackend(backend).WithEnv("GITHUB_TOKEN", secret).WithEnv("PROJECT", "alpha").Build())
        {
            await bottle.StartAsync(Ct);
            var inGuest = (await bottle.ExecAsync("printf '%s' \"$GITHUB_TOKEN\"; sleep 1", cancellationToken: Ct)).ThrowOnFailure();
            Assert.Equal(secret, inGuest.Stdout);
            var failed = await bottle.ExecAsync("echo failing; exit 3", cancellationToken: Ct);
            failure = Assert.Throws<BottleExecFailedException>(() => failed.ThrowOnFailure()).ToString();
            _ = bottle.AgentArgv(["--print", "hello"]);
        }

        await watching.CancelAsync();
        await watcher;
        Assert.Empty(seenOnHost);
        Assert.DoesNotContain(logger.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(secret, failure, StringComparison.Ordinal);
        Assert.NotEmpty(logger.Lines);
    }

    private static IEnumerable<string> HostArgvContaining(string secret)
    {
        if (!Directory.Exists("/proc/self"))
        {
            yield break; // no procfs (macOS): the argv check runs on Linux, in CI
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc").Where(d => char.IsAsciiDigit(Path.GetFileName(d)[0])))
        {
            string argv;
            try
            {
                argv = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (argv.Contains(secret, StringComparison.Ordinal))
            {
                yield return $"{Path.GetFileName(directory)}: {argv}";
            }
        }
    }
}
