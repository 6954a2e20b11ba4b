using BotBottle.Testing.Reaping;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Reaping;

/// <summary>
/// The launch's reaper step: the reaper starts unless the user turned reaping off as a Testcontainers user does
/// (<c>TESTCONTAINERS_RYUK_DISABLED=true</c>, or <c>ryuk.disabled=true</c> in <c>~/.testcontainers.properties</c>). No engine needed.
/// </summary>
public sealed class ReaperStartTests : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("bbt-reaper-settings-");

    [Theory]
    [InlineData("true", null, true)]
    [InlineData("TRUE", null, true)]
    [InlineData("1", null, true)]
    [InlineData(null, "true", true)]
    [InlineData("false", "true", false)]
    [InlineData(null, null, false)]
    [InlineData("false", null, false)]
    public void The_ryuk_setting_is_read_from_the_environment_before_the_properties_file(string? variable, string? property, bool disabled)
    {
        if (property is not null)
        {
            File.WriteAllText(Path.Combine(_home.FullName, ".testcontainers.properties"), "ryuk.disabled=" + property + "\n");
        }

        var settings = EngineSettings.FromHome(_home.FullName, name => name == "TESTCONTAINERS_RYUK_DISABLED" ? variable : null);

        Assert.Equal(disabled, settings.ReaperDisabled);
    }

    [Fact]
    public async Task With_reaping_off_the_reaper_step_starts_no_reaper_and_says_what_that_costs()
    {
        var started = 0;
        var logger = new RecordingLogger();
        var settings = EngineSettings.FromHome(_home.FullName, name => name == "TESTCONTAINERS_RYUK_DISABLED" ? "true" : null);

        var ran = await ReaperStart.RunAsync(settings, () => Task.FromResult(++started), logger);

        Assert.False(ran);
        Assert.Equal(0, started);
        Assert.Contains(logger.Lines, l => l.Contains("reaper not started", StringComparison.Ordinal) && l.Contains("next session's sweep", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_reaping_on_the_reaper_step_starts_the_reaper()
    {
        var started = 0;
        var settings = EngineSettings.FromHome(_home.FullName, _ => null);

        var ran = await ReaperStart.RunAsync(settings, () => Task.FromResult(++started), new RecordingLogger());

        Assert.True(ran);
        Assert.Equal(1, started);
    }

    public void Dispose() => _home.Delete(recursive: true);
}
