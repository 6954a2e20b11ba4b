using System.Security.Cryptography;
using System.Text;
using BotBottle.Testing.Tests.Support;
using CliWrap;
using CliWrap.Buffered;

namespace BotBottle.Testing.Tests.Engine;

/// <summary>The engine layer: where the engine is found, which API version is spoken, and the transports.</summary>
public sealed class EngineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("1.41", "1.12", "1.41")]
    [InlineData("1.47", "1.24", "1.47")]
    [InlineData("1.52", "1.44", "1.51")]
    [InlineData("1.60", "1.55", "1.55")]
    public void The_api_version_is_the_highest_both_sides_speak(string engineMax, string engineMin, string expected) =>
        Assert.Equal(Version.Parse(expected), DockerEngine.Negotiate(Version.Parse(engineMax), Version.Parse(engineMin)));

    [Fact]
    public async Task When_no_engine_answers_every_endpoint_tried_is_named_with_the_setting_that_named_it()
    {
        var error = await Assert.ThrowsAsync<EngineUnavailableException>(() => DockerEngine.ConnectAsync(
        [
            new EngineEndpoint(new Uri("unix:///nonexistent/docker.sock"), "the default socket"),
            new EngineEndpoint(new Uri("tcp://127.0.0.1:1"), "DOCKER_HOST"),
        ], Ct));

        Assert.Contains("/nonexistent/docker.sock (the default socket) does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("tcp://127.0.0.1:1/ (DOCKER_HOST) did not answer", error.Message, StringComparison.Ordinal);
        Assert.Contains("Docker Desktop, OrbStack, colima", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DOCKER_HOST_wins_and_is_authoritative()
    {
        using var home = new FakeHome();
        var candidates = EngineDiscovery.Candidates(home.Settings(("DOCKER_HOST", "tcp://10.1.2.3:2375")), askTestcontainers: false);

        Assert.Equal(["tcp://10.1.2.3:2375/ (DOCKER_HOST)"], candidates.Select(c => c.ToString()));
    }

    [Fact]
    public void Testcontainers_properties_name_the_engine_when_the_environment_does_not()
    {
        using var home = new FakeHome();
        home.Write(".testcontainers.properties", "# written by a user\ndocker.host=unix:///run/user/1000/docker.sock\n");
        Assert.Equal("unix:///run/user/1000/docker.sock", EngineDiscovery.Candidates(home.Settings(), askTestcontainers: false).Single().Uri.ToString());

        home.Write(".testcontainers.properties", "tc.host=tcp://127.0.0.1:49152\ndocker.host=unix:///ignored.sock\n");
        var desktop = EngineDiscovery.Candidates(home.Settings(), askTestcontainers: false).Single();
        Assert.Equal("tcp://127.0.0.1:49152/", desktop.Uri.ToString());
        Assert.Equal("tc.host in ~/.testcontainers.properties", desktop.Source);
    }

    [Fact]
    public void The_current_docker_context_names_the_engine_and_the_cli_is_pointed_at_it()
    {
        using var home = new FakeHome();
        home.Context("colima", "unix://" + home.Path(".colima/default/docker.sock"));
        home.Write(".docker/config.json", "{\"currentContext\": \"colima\"}");

        var endpoint = EngineDiscovery.Candidates(home.Settings(), askTestcontainers: false).Single();

        Assert.Equal("unix://" + home.Path(".colima/default/docker.sock"), endpoint.Uri.ToString());
        Assert.Equal("docker context 'colima'", endpoint.Source);
        Assert.Equal(["--context", "colima"], endpoint.CliArguments);

        // DOCKER_CONTEXT overrides the config file's current context; a missing one is an error that says so.
        var missing = Assert.Throws<EngineUnavailableException>(() => EngineDiscovery.Candidates(home.Settings(("DOCKER_CONTEXT", "orbstack")), askTestcontainers: false));
        Assert.Contains("the docker context 'orbstack' does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_settings_the_well_known_sockets_are_tried_docker_desktop_rootless_colima_orbstack_and_podman()
    {
        using var home = new FakeHome();
        var tried = EngineDiscovery.Candidates(home.Settings(("XDG_RUNTIME_DIR", "/run/user/501")), askTestcontainers: false).Select(c => c.Uri.LocalPath).ToList();

        Assert.Equal(
        [
            "/var/run/docker.sock",
            home.Path(".docker/run/docker.sock"),
            home.Path(".docker/desktop/docker.sock"),
            "/run/user/501/docker.sock",
            "/run/user/501/podman/podman.sock",
            home.Path(".colima/default/docker.sock"),
            home.Path(".colima/docker.sock"),
            home.Path(".orbstack/run/docker.sock"),
            "/run/podman/podman.sock",
        ], tried);
    }

    [Fact]
    public void The_ssh_transport_dials_docker_system_dial_stdio_with_the_user_and_port()
    {
        Assert.Equal(["-o", "BatchMode=yes", "-l", "ci", "-p", "2222", "--", "build-host", "docker", "system", "dial-stdio"],
            SshDialStdio.Arguments(new Uri("ssh://ci@build-host:2222")));
        Assert.Equal(["-o", "BatchMode=yes", "--", "build-host", "docker", "system", "dial-stdio"], SshDialStdio.Arguments(new Uri("ssh://build-host")));
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task An_ssh_engine_is_reached_through_dial_stdio_execs_included()
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var local = await EngineProvider.For().GetAsync(Ct);
        using var home = new FakeHome();

        // The ssh stand-in plays the remote side of `ssh host docker system dial-stdio`: it checks the argv the harness
        // built and bridges stdio to this machine's engine (the docker CLI's own dial-stdio does exactly that).
        var ssh = home.Write("bin/ssh", "#!/bin/sh\n[ \"$*\" = '-o BatchMode=yes -l ci -- build-host docker system dial-stdio' ] || { echo \"unexpected: $*\" >&2; exit 255; }\n" +
            $"exec docker -H '{local.Endpoint.Uri}' system dial-stdio\n");
        File.SetUnixFileMode(ssh, (UnixFileMode)0b111_101_101);

        using var engine = await DockerEngine.ConnectAsync(new EngineEndpoint(new Uri("ssh://ci@build-host"), "DOCKER_HOST") { SshCommand = ssh }, Ct);
        Assert.Equal(local.ApiVersion, engine.ApiVersion);
        var name = $"bbt-{BottleNames.SessionId}-ssh";
        var container = await EngineContainer.CreateAsync(engine, new ContainerRequest(name, TestImages.Bundle, name, "ssh-test") { Entrypoint = ["/bin/sh", "-c", "sleep 60"], Network = "none" });
        try
        {
            await container.StartAsync(Ct);
            var result = await container.ShellAsync("echo over-ssh; echo err >&2; exit 3", Ct);
            Assert.Equal((3, "over-ssh\n", "err\n"), (result.ExitCode, result.Stdout, result.Stderr));
        }
        finally
        {
            await container.RemoveAsync(CancellationToken.None);
        }
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task The_engine_is_reached_with_no_DOCKER_API_VERSION_and_despite_one_it_refuses()
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var engine = await EngineProvider.For().GetAsync(Ct);
        var version = await engine.Client.System.GetVersionAsync(Ct);
        Assert.Equal(DockerEngine.Negotiate(Version.Parse(version.APIVersion), string.IsNullOrEmpty(version.MinAPIVersion) ? null : Version.Parse(version.MinAPIVersion)), engine.ApiVersion);

        // A fresh process each time (Testcontainers reads DOCKER_API_VERSION once per process): unset, and set to a
        // version the engine does not speak (1.44 is too new for Engine 20.10; 1.12 too old for Engine 25+).
        var unsupported = engine.ApiVersion < new Version(1, 44) ? "1.44" : "1.12";
        foreach (var setting in new string?[] { null, unsupported })
        {
            var result = await RepositoryLayout.Cli(["prerequisites"]).WithEnvironmentVariables(e => e.Set("DOCKER_API_VERSION", setting))
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(Ct);
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.StartsWith("docker\tyes", result.StandardOutput, StringComparison.Ordinal);
        }
    }

    /// <summary>A throwaway home directory: the user's settings (properties file, docker config, contexts) as files.</summary>
    private sealed class FakeHome : IDisposable
    {
        private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("bbt-home-");

        public string Path(string relative) => System.IO.Path.Combine(_root.FullName, relative);

        public string Write(string relative, string text)
        {
            var file = Path(relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
            return file;
        }

        public void Context(string name, string host)
        {
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name))).ToLowerInvariant();
            Write($".docker/contexts/meta/{hash}/meta.json", $"{{\"Name\":\"{name}\",\"Endpoints\":{{\"docker\":{{\"Host\":\"{host}\",\"SkipTLSVerify\":false}}}}}}");
        }

        public EngineSettings Settings(params (string Name, string Value)[] environment) =>
            EngineSettings.FromHome(_root.FullName, name => environment.FirstOrDefault(e => e.Name == name).Value);

        public void Dispose() => _root.Delete(recursive: true);
    }
}
