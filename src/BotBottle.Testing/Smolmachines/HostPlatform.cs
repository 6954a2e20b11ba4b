namespace BotBottle.Testing.Smolmachines;

/// <summary>The host facts smolvm depends on.</summary>
/// <param name="IsDarwin">True on macOS.</param>
/// <param name="IsLinux">True on Linux.</param>
/// <param name="KvmDevice">The KVM device path checked on Linux.</param>
internal sealed record HostPlatform(bool IsDarwin, bool IsLinux, string KvmDevice = "/dev/kvm")
{
    /// <summary>This machine.</summary>
    public static HostPlatform Current { get; } = new(OperatingSystem.IsMacOS(), OperatingSystem.IsLinux());

    /// <summary>
    /// The <c>smolvm</c> on the search path is an emulator of the CLI with a container as its guest, not a
    /// hypervisor: no VM is needed, and every report names the backend "smolmachines (emulated smolvm X.Y.Z)".
    /// </summary>
    public bool IsEmulator { get; init; }

    /// <summary>A platform whose smolvm is an emulator (the harness's own tests on machines without a hypervisor).</summary>
    public static HostPlatform Emulator { get; } = Current with { IsEmulator = true };

    /// <summary>Null when a real smolvm VM can boot here; otherwise why not.</summary>
    public string? HypervisorProblem()
    {
        if (IsEmulator || IsDarwin)
        {
            return null;
        }

        return IsLinux
            ? HasUsableKvm() ? null : $"not Darwin, and this Linux host has no read/write {KvmDevice} (smolvm needs KVM)"
            : "not Darwin (smolvm runs on macOS, or on Linux with KVM)";
    }

    /// <summary>True when the KVM device exists and this process can read and write it.</summary>
    public bool HasUsableKvm()
    {
        if (!File.Exists(KvmDevice))
        {
            return false;
        }

        try
        {
            using var stream = new FileStream(KvmDevice, FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }
}
