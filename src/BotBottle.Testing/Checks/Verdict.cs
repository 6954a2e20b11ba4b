#if BOTBOTTLE_MSBUILD
namespace BotBottle.Testing.MSBuild.Checks;
#else
namespace BotBottle.Testing.Checks;
#endif

// One definition, compiled into the core library and linked into the MSBuild tasks (net472 and net8.0).

/// <summary>How a check ended: an isolation probe of the catalogue or a check of a conformance spec.</summary>
#if BOTBOTTLE_MSBUILD
internal
#else
public
#endif
enum Verdict
{
    /// <summary>The check's controls passed and what it observed is what a correct bottle (or image) answers.</summary>
    Passed,

    /// <summary>The check's controls passed and what it observed is not; the message says what was seen and what to change.</summary>
    Failed,

    /// <summary>The check ran but a control failed, so its evidence proves nothing either way.</summary>
    Inconclusive,

    /// <summary>The check did not run: its backend is missing here, or a check it needs did not pass.</summary>
    Skipped,
}
