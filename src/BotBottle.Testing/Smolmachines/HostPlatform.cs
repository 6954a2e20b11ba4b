namespace BotBottle.Testing.Smolmachines;

/// <summary>The host facts smolvm depends on.</summary>
/// <param name="IsDarwin">True on macOS.</param>
/// <param name="IsLinux">True on Linux.</param>
/// <param name="KvmDevice">The KVM device path checked on Linux.</param>
public sealed record HostPlatform(bool IsDarwin, bool IsLinux, string KvmDevice = "/dev/kvm")
{
    /// <summary>This machine.</summary>
    public static HostPlatform Current { get; } = new(OperatingSystem.IsMacOS(), OperatingSystem.IsLinux());

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
