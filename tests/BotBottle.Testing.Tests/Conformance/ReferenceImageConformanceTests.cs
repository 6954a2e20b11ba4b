using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Xunit.Conformance;

using BotBottle.Testing.Conformance.Results;

namespace BotBottle.Testing.Tests.Conformance;

/// <summary>
/// The xunit entry point, as a user would write it: the built-in bot-bottle spec (with the isolation
/// probes) against the reference image, each check on each backend its own test case. On docker every
/// case passes; where smolmachines cannot run, its cases are skipped with the reason.
/// </summary>
public sealed class ReferenceImageConformanceTests(ConformanceFixture conformance) : IClassFixture<ConformanceFixture>
{
    public static TheoryData<string, string> Checks { get; } = ConformanceCases.For(ConformanceSpec.BotBottle);

    [Theory]
    [MemberData(nameof(Checks))]
    public void Check(string backend, string checkId) => conformance.AssertCheck(backend, checkId);
}
