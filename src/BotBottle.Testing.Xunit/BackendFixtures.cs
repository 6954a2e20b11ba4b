using BotBottle.Testing.Sessions;

namespace BotBottle.Testing.Xunit;

/// <summary>The reference bottle on the docker backend.</summary>
public class DockerBottleFixture : BottleFixture
{
    /// <inheritdoc />
    protected override BottleSessionOptions Configure(BottleSessionOptions options) => base.Configure(options) with { Backend = BottleBackends.Docker };
}

/// <summary>The reference bottle on the smolmachines backend (Darwin, or Linux with KVM; smolvm and docker).</summary>
public class SmolmachinesBottleFixture : BottleFixture
{
    /// <inheritdoc />
    protected override BottleSessionOptions Configure(BottleSessionOptions options) => base.Configure(options) with { Backend = BottleBackends.Smolmachines };
}

/// <summary>The reference bottle on docker with a probe range and a neighbouring bottle: the whole isolation catalogue runs.</summary>
public class DockerIsolationFixture : BottleFixture
{
    /// <inheritdoc />
    protected override BottleSessionOptions Configure(BottleSessionOptions options) =>
        base.Configure(options) with { Backend = BottleBackends.Docker, WithProbeRange = true, WithNeighbour = true };
}

/// <summary>The reference bottle on smolmachines with a probe range and a neighbouring bottle.</summary>
public class SmolmachinesIsolationFixture : BottleFixture
{
    /// <inheritdoc />
    protected override BottleSessionOptions Configure(BottleSessionOptions options) =>
        base.Configure(options) with { Backend = BottleBackends.Smolmachines, WithProbeRange = true, WithNeighbour = true };
}
