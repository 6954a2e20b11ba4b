using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>
/// One reference bottle on the docker backend per test class. A missing engine is captured once and
/// turned into a skip (or, under BOTBOTTLE_REQUIRE=docker, a failure) in every test that asks for it;
/// a launch failure is rethrown with its real cause in every such test.
/// </summary>
public sealed class ReferenceBottleFixture : IAsyncLifetime
{
    private PrerequisiteReport? _report;
    private Exception? _launchFailure;
    private IBottle? _bottle;

    public static string SkillDirectory { get; } = CreateSkill();

    public DockerBackend Backend { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _report = await Backend.CheckPrerequisitesAsync(TestContext.Current.CancellationToken);
        if (!_report.IsSatisfied)
        {
            return;
        }

        try
        {
            var spec = TestImages.Spec.WithPrompt("You are inside a bottle.\nBehave.").WithSkill(new SkillSource(SkillDirectory)).WithEnv("PROJECT", "alpha beta $x");
            _bottle = await Backend.LaunchAsync(spec, TestContext.Current.CancellationToken);
        }
        catch (Exception ex)
        {
            _launchFailure = ex;
        }
    }

    public IBottle Bottle
    {
        get
        {
            BackendGate.Require(_report ?? throw new InvalidOperationException("fixture not initialised"));
            if (_launchFailure is not null)
            {
                throw new InvalidOperationException("the reference bottle failed to launch: " + _launchFailure.Message, _launchFailure);
            }

            return _bottle!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_bottle is not null)
        {
            await _bottle.DisposeAsync();
        }
    }

    private static string CreateSkill()
    {
        var root = Directory.CreateTempSubdirectory("bbt-skill-").FullName;
        // Shared by every fixture of the test process, so it goes when the process does.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        var skill = Directory.CreateDirectory(Path.Combine(root, "release-notes")).FullName;
        File.WriteAllText(Path.Combine(skill, "SKILL.md"), "---\nname: release-notes\n---\nWrite release notes.\n");
        Directory.CreateDirectory(Path.Combine(skill, "templates"));
        File.WriteAllText(Path.Combine(skill, "templates", "notes.md"), "# Notes\n");
        return skill;
    }
}
