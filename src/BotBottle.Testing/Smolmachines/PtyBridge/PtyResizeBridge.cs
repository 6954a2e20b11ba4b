using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace BotBottle.Testing.Smolmachines.PtyBridge;

/// <summary>
/// Bridges host window-size changes into a smolvm guest whose PTY does not follow them (smolvm before
/// 0.8.1 never forwarded the size). Runs the exec as a child with the terminal inherited, and at start
/// and on every SIGWINCH runs a side-channel exec that sets the size of every guest /dev/pts/*.
/// Without a TTY it only runs the child.
/// </summary>
internal sealed class PtyResizeBridge
{
    private readonly PtyBridgeArguments _arguments;
    private readonly Func<TerminalSize?> _readSize;
    private readonly Func<IReadOnlyList<string>, CancellationToken, Task<int>> _run;

    /// <summary>Creates a bridge; <paramref name="readSize"/> and <paramref name="run"/> are replaceable for tests.</summary>
    public PtyResizeBridge(
        PtyBridgeArguments arguments,
        Func<TerminalSize?>? readSize = null,
        Func<IReadOnlyList<string>, CancellationToken, Task<int>>? run = null)
    {
        _arguments = arguments;
        _readSize = readSize ?? (() => TerminalSize.FirstKnown(HostTerminal.Read));
        _run = run ?? RunInheritingAsync;
    }

    /// <summary>The bridge's entry point: parses <paramref name="args"/>, runs, returns the child's exit code.</summary>
    public static async Task<int> MainAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args is ["--print-size"])
        {
            // What the bridge would send: the first known size of stdin, stdout, stderr (for checking it on a real terminal).
            await Console.Out.WriteLineAsync(TerminalSize.FirstKnown(HostTerminal.Read) is { } known ? $"{known.Columns}x{known.Rows}" : "unknown").ConfigureAwait(false);
            return 0;
        }

        PtyBridgeArguments parsed;
        try
        {
            parsed = PtyBridgeArguments.Parse(args);
        }
        catch (ArgumentException)
        {
            await Console.Error.WriteLineAsync(PtyBridgeArguments.Usage).ConfigureAwait(false);
            return 2;
        }

        var bridge = new PtyResizeBridge(parsed);
        if (OperatingSystem.IsWindows() || !HostTerminal.AnyIsTerminal())
        {
            return await bridge._run(parsed.Child, cancellationToken).ConfigureAwait(false);
        }

        var resizes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var winch = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, ctx =>
        {
            ctx.Cancel = true;
            resizes.Writer.TryWrite(true);
        });

        // Ctrl-C reaches the whole foreground group; the child (the agent) decides what it means.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => ctx.Cancel = true);
        return await bridge.RunAsync(resizes.Reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the child; sizes the guest PTYs once the child is running and again for each signal read
    /// from <paramref name="resizeSignals"/>, until the child exits.
    /// </summary>
    public async Task<int> RunAsync(ChannelReader<bool> resizeSignals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resizeSignals);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var child = _run(_arguments.Child, cancellationToken);
        var resizer = ResizeLoopAsync(resizeSignals, stop.Token);
        var exitCode = await child.ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await resizer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return exitCode;
    }

    /// <summary>Sets the guest PTYs to the host size now; false when the host size is unknown.</summary>
    public async Task<bool> ResizeOnceAsync(CancellationToken cancellationToken)
    {
        if (_readSize() is not { } size)
        {
            return false;
        }

        await _run(_arguments.ResizeCommand(size), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task ResizeLoopAsync(ChannelReader<bool> signals, CancellationToken cancellationToken)
    {
        // The guest PTY exists only once the child's exec is up; give it a moment before the first resize.
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken).ConfigureAwait(false);
        await ResizeOnceAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var _ in signals.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await ResizeOnceAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunInheritingAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(argv[0]) { UseShellExecute = false };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {argv[0]}");
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode;
    }
}
