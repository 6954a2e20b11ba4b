using System.Runtime.InteropServices;

namespace BotBottle.Testing.Smolmachines.PtyBridge;

/// <summary>A terminal's size in character cells.</summary>
/// <param name="Columns">Columns.</param>
/// <param name="Rows">Rows.</param>
internal readonly record struct TerminalSize(int Columns, int Rows)
{
    /// <summary>True when both dimensions are non-zero (a PTY that was never sized reports 0x0).</summary>
    public bool IsKnown => Columns > 0 && Rows > 0;

    /// <summary>
    /// The first known size among stdin, stdout and stderr, in that order: a redirected stream or a
    /// PTY that reports 0x0 is skipped. Null when none knows its size.
    /// </summary>
    public static TerminalSize? FirstKnown(Func<int, TerminalSize?> readDescriptor)
    {
        ArgumentNullException.ThrowIfNull(readDescriptor);
        for (var fd = 0; fd <= 2; fd++)
        {
            if (readDescriptor(fd) is { IsKnown: true } size)
            {
                return size;
            }
        }

        return null;
    }
}

/// <summary>Reads terminal facts of the host's standard descriptors through libc.</summary>
internal static partial class HostTerminal
{
    private const nuint LinuxTiocgwinsz = 0x5413;
    private const nuint DarwinTiocgwinsz = 0x40087468;

    public static bool AnyIsTerminal() => Enumerable.Range(0, 3).Any(fd => IsATty(fd) == 1);

    public static TerminalSize? Read(int fd)
    {
        if (OperatingSystem.IsWindows() || IsATty(fd) != 1)
        {
            return null;
        }

        WinSize size;
        var read = CallingConvention switch
        {
            VariadicCall.AppleArm64 => IoctlWinsizeAppleArm64(fd, DarwinTiocgwinsz, 0, 0, 0, 0, 0, 0, out size),
            _ => IoctlWinsize(fd, OperatingSystem.IsMacOS() ? DarwinTiocgwinsz : LinuxTiocgwinsz, out size),
        };
        return read == 0 ? new TerminalSize(size.Columns, size.Rows) : null;
    }

    /// <summary>How this process must pass ioctl's variadic third argument.</summary>
    internal static VariadicCall CallingConvention => For(OperatingSystem.IsMacOS(), RuntimeInformation.ProcessArchitecture);

    /// <summary>
    /// ioctl is variadic: <c>int ioctl(int, unsigned long, ...)</c>. On x86-64 (SysV) and on Linux arm64 a variadic
    /// pointer travels exactly like a third fixed argument (the next integer register), so a three-parameter
    /// declaration is correct there. Apple's arm64 ABI passes every variadic argument on the stack instead
    /// (dotnet/runtime#48752): declared as a third fixed argument, the pointer lands in x2 and ioctl reads garbage
    /// from the stack. There the declaration fills x0-x7 with the two fixed arguments and six unused ones, so the
    /// pointer, the ninth argument, goes where the callee's va_arg looks for it: the first stack slot.
    /// </summary>
    internal static VariadicCall For(bool isMacOs, Architecture architecture) =>
        isMacOs && architecture == Architecture.Arm64 ? VariadicCall.AppleArm64 : VariadicCall.Registers;

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATty(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlWinsize(int fd, nuint request, out WinSize size);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlWinsizeAppleArm64(int fd, nuint request, nint unusedX2, nint unusedX3, nint unusedX4, nint unusedX5, nint unusedX6, nint unusedX7, out WinSize size);

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }
}

/// <summary>How a variadic C argument is passed on this platform.</summary>
internal enum VariadicCall
{
    /// <summary>Like a fixed argument, in the next register (x86-64 SysV, Linux arm64).</summary>
    Registers,

    /// <summary>On the stack (Apple arm64).</summary>
    AppleArm64,
}
