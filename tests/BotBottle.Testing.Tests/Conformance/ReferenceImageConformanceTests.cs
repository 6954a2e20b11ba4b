using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Support;
using BotBottle.Testing.Xunit.Conformance;

namespace BotBottle.Testing.Tests.Conformance;

/// <summary>
/// The xunit entry point, as a user would write it: the built-in bot-bottle spec (with the isolation probes)
/// against the reference image, each check on each backend its own test case: the docker column, and the
/// smolmachines column on the emulated current smolvm ("smolmachines (emulated smolvm 1.9.3)", a container as
/// its guest). Every case passes.
/// </summary>
public sealed class ReferenceImageConformanceTests(EmulatedConformanceFixture conformance) : IClassFixture<EmulatedConformanceFixture>
{
    public static TheoryData<string, string> Checks { get; } = ConformanceCases.For(ConformanceSpec.BotBottle, DockerBackend.BackendName, EmulatedConformanceFixture.Column);

    [Theory]
    [MemberData(nameof(Checks))]
    public void Check(string backend, string checkId) => conformance.AssertCheck(backend, checkId);
}

/// <summary>The same spec on a real smolvm: it runs on a Mac (or Linux with KVM) and skips elsewhere with the reason.</summary>
public sealed class RealSmolvmConformanceTests(RealSmolvmConformanceFixture conformance) : IClassFixture<RealSmolvmConformanceFixture>
{
    public static TheoryData<string, string> Checks { get; } = ConformanceCases.For(ConformanceSpec.BotBottle, SmolmachinesBackend.BackendName);

    [Theory]
    [MemberData(nameof(Checks))]
    public void Check(string backend, string checkId) => conformance.AssertCheck(backend, checkId);
}

public sealed class EmulatedConformanceFixture : ConformanceFixture, IDisposable
{
    /// <summary>The column the emulated backend reports under.</summary>
    public const string Column = "smolmachines (emulated smolvm " + EmulatedSmolvm.Current + ")";

    private readonly EmulatedSmolvm _smolvm = new();

    protected override ConformanceOptions Configure(ConformanceOptions options) => options with { Backends = [new DockerBackend(), _smolvm.Backend()] };

    public void Dispose() => _smolvm.Dispose();
}

public sealed class RealSmolvmConformanceFixture : ConformanceFixture
{
    protected override ConformanceOptions Configure(ConformanceOptions options) => options with { Backends = [new SmolmachinesBackend()] };
}
