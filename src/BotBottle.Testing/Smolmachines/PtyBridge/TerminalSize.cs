using System.Runtime.InteropServices;

namespace BotBottle.Testing.Smolmachines.PtyBridge;

/// <summary>A terminal's size in character cells.</summary>
/// <param name="Columns">Columns.</param>
/// <param name="Rows">Rows.</param>
public readonly record struct TerminalSize(int Columns, int Rows)
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
    private const ulong LinuxTiocgwinsz = 0x5413;
    private const ulong DarwinTiocgwinsz = 0x40087468;

    public static bool AnyIsTerminal() => Enumerable.Range(0, 3).Any(fd => IsATty(fd) == 1);

    public static TerminalSize? Read(int fd)
    {
        if (OperatingSystem.IsWindows() || IsATty(fd) != 1)
        {
            return null;
        }

        var request = OperatingSystem.IsMacOS() ? DarwinTiocgwinsz : LinuxTiocgwinsz;
        return IoctlWinsize(fd, request, out var size) == 0 ? new TerminalSize(size.Columns, size.Rows) : null;
    }

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATty(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlWinsize(int fd, ulong request, out WinSize size);

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }
}
