using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Launch;

/// <summary>A way to run bottles (docker containers, smolvm microVMs).</summary>
public interface IBottleBackend
{
    /// <summary>The backend's name: "docker" or "smolmachines".</summary>
    string Name { get; }

    /// <summary>Checks what this backend needs on this machine; every missing piece is named.</summary>
    Task<PrerequisiteReport> CheckPrerequisitesAsync(CancellationToken cancellationToken = default);

    /// <summary>Launches a bottle; on failure everything already created is torn down before the exception surfaces.</summary>
    Task<IBottle> LaunchAsync(BottleSpec spec, CancellationToken cancellationToken = default);
}
