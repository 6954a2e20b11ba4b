namespace BotBottle.Testing.Probes;

/// <summary>Which in-guest tool network steps use.</summary>
public enum NetworkTool
{
    /// <summary>The first the image ships: bash's /dev/tcp, then nc (OpenBSD or BusyBox), then curl (curl first for HTTP).</summary>
    Auto,

    /// <summary>bash's /dev/tcp only.</summary>
    Bash,

    /// <summary>nc only (OpenBSD <c>nc -z</c>, or BusyBox/traditional nc with stdin closed).</summary>
    Nc,

    /// <summary>curl only.</summary>
    Curl,
}
