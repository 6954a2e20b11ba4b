using BotBottle.Testing.Docker;
using BotBottle.Testing.Sessions;
using BotBottle.Testing.Smolmachines;

namespace BotBottle.Testing.Xunit;

/// <summary>The reference bottle on the docker backend.</summary>
public class DockerBottleFixture : BottleFixture
{
    /// <inheritdoc />
    protected override BottleSessionOptions Configure(BottleSessionOptions options) => base.Configure(options) with { Bottle = options.Bottle.WithBackend(new DockerBackend(logger: Logger)) };
}

/// <summary>The reference bottle on the smolmachines backend (Darwin, or Linux with KVM; smolvm and docker).</summary>
public class SmolmachinesBottleFixture : BottleFixture
{
    /// <inheritdoc />
    protected override BottleSessionOptions Configure(BottleSessionOptions options) => base.Configure(options) with { Bottle = options.Bottle.WithBackend(new SmolmachinesBackend(logger: Logger)) };
}

/// <summary>The reference bottle on docker with a probe range and a neighbouring bottle: the whole isolation catalogue runs.</summary>
public class DockerIsolationFixture : BottleFixture
{
    /// <inheritdoc />
    protected override BottleSessionOptions Configure(BottleSessionOptions options) =>
        base.Configure(options) with { Bottle = options.Bottle.WithBackend(new DockerBackend(logger: Logger)), WithProbeRange = true, WithNeighbour = true };
}

/// <summary>The reference bottle on smolmachines with a probe range and a neighbouring bottle.</summary>
public class SmolmachinesIsolationFixture : BottleFixture
{
    /// <inheritdoc />
    protected override BottleSessionOptions Configure(BottleSessionOptions options) =>
        base.Configure(options) with { Bottle = options.Bottle.WithBackend(new SmolmachinesBackend(logger: Logger)), WithProbeRange = true, WithNeighbour = true };
}
