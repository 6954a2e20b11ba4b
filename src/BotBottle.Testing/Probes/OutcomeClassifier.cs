using System.Text.RegularExpressions;

namespace BotBottle.Testing.Probes;

/// <summary>
/// Turns what an in-guest tool reported (exit code, output, errors, time) into a <see cref="StepOutcome"/>.
/// The patterns are those of bash's /dev/tcp, OpenBSD and BusyBox nc, curl, getent and BusyBox nslookup.
/// </summary>
internal static partial class OutcomeClassifier
{
    /// <summary>Classifies one step's raw battery report.</summary>
    public static (StepOutcome Outcome, string Reason) Classify(StepAction action, RawBatteryReport raw)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Tool == "none")
        {
            return (StepOutcome.Error, FirstLine(raw.Stderr));
        }

        return action switch
        {
            TcpDial { Host: var host } when Line(raw.Stderr, NoLocalAddress()) is { } exhausted
                && !(host.Contains(':', StringComparison.Ordinal) && raw.Stdout.Contains(NoIpv6Address, StringComparison.Ordinal)) =>
                (StepOutcome.Error, "no local address or port for the dial (the network namespace's ports exhausted?): " + exhausted),
            TcpDial => ClassifyTcp(raw),
            HttpViaProxy => ClassifyProxy(raw, connect: false),
            ConnectViaProxy => ClassifyProxy(raw, connect: true),
            NameLookup => ClassifyDns(raw),
            RawIpv6Dial or HostAddressSweep => ClassifyReachability(raw),
            _ => ClassifyVerdictLine(raw),
        };
    }

    private static (StepOutcome, string) ClassifyTcp(RawBatteryReport raw)
    {
        var stdout = raw.Stdout;
        var stderr = raw.Stderr;
        if (stdout.Contains("connected", StringComparison.Ordinal) && raw.ExitCode == 0)
        {
            return (StepOutcome.Connected, "connected");
        }

        if (Line(stderr, CurlConnected()) is { } curlConnected)
        {
            return (StepOutcome.Connected, curlConnected);
        }

        if (Line(stderr, OpenBsdSucceeded()) is { } succeeded)
        {
            return (StepOutcome.Connected, succeeded);
        }

        return ClassifyFailure(raw);
    }

    private static (StepOutcome, string) ClassifyFailure(RawBatteryReport raw)
    {
        var stderr = raw.Stderr;
        if (Line(stderr, DnsFailure()) is { } dns)
        {
            return (StepOutcome.DnsFailed, dns);
        }

        if (Line(stderr, RefusedText()) is { } refused)
        {
            return (StepOutcome.Refused, refused);
        }

        if (Line(stderr, UnreachableText()) is { } unreachable)
        {
            return (StepOutcome.Unreachable, unreachable);
        }

        if (Line(stderr, DeniedText()) is { } denied)
        {
            return (StepOutcome.Denied, denied);
        }

        if (raw.HitLimit)
        {
            return (StepOutcome.TimedOut, $"no answer within the {raw.Limit.TotalSeconds:0.#} s limit");
        }

        if (Line(stderr, TimeoutText()) is { } timeout || (raw.ExitCode == 28 && (timeout = FirstLine(stderr)) is not null))
        {
            return (StepOutcome.TimedOut, timeout);
        }

        return (StepOutcome.Error, Summary(raw));
    }

    private static (StepOutcome, string) ClassifyProxy(RawBatteryReport raw, bool connect)
    {
        var status = StatusLine().Match(raw.Stdout);
        if (status.Success)
        {
            var code = int.Parse(status.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture);
            var line = status.Value.Trim();

            // A proxy's own answer carries no Via header; an origin's answer relayed by it does.
            var relayed = ViaHeader().IsMatch(raw.Stdout[..Math.Min(raw.Stdout.Length, HeaderEnd(raw.Stdout, status.Index))]);
            if (code is >= 200 and < 300)
            {
                return (StepOutcome.ProxyAllowed, line);
            }

            // A 5xx that a proxy of the chain wrote itself (tinyproxy's own page: it could not or would not connect,
            // e.g. its outbound policy refused the address) is a refusal to forward, relayed or not; an origin's own
            // 5xx carries no proxy's Server header. (Controls prove the chain forwards allowed requests.)
            if (code >= 500 && TinyproxyServer().IsMatch(raw.Stdout[..Math.Min(raw.Stdout.Length, HeaderEnd(raw.Stdout, status.Index))]))
            {
                return (StepOutcome.ProxyDenied, line + " (the proxy's chain did not forward it)");
            }

            if (code is 403 or 407)
            {
                return connect || !relayed
                    ? (StepOutcome.ProxyDenied, line)
                    : (StepOutcome.ProxyAllowed, line + " (from the origin, relayed by the proxy)");
            }

            return relayed && !connect
                ? (StepOutcome.ProxyAllowed, line + " (from the origin, relayed by the proxy)")
                : (StepOutcome.Error, "the proxy answered " + line);
        }

        if (Line(raw.Stderr, CurlTunnelFailed()) is { } tunnel)
        {
            var code = CurlTunnelFailed().Match(tunnel).Groups["code"].Value;
            return code is "403" or "407" ? (StepOutcome.ProxyDenied, tunnel) : (StepOutcome.Error, tunnel);
        }

        // No HTTP answer at all: report how reaching the proxy failed.
        return ClassifyFailure(raw);
    }

    private static (StepOutcome, string) ClassifyDns(RawBatteryReport raw)
    {
        if (raw.Tool == "getent")
        {
            if (raw.ExitCode == 0 && raw.Stdout.Trim().Length > 0)
            {
                return (StepOutcome.Resolved, FirstLine(raw.Stdout));
            }

            if (raw.ExitCode == 2)
            {
                return (StepOutcome.DnsFailed, "getent: not found (exit 2)");
            }
        }
        else if (raw.Tool == "nslookup")
        {
            var answer = raw.Stdout.IndexOf("Name:", StringComparison.Ordinal);
            if (raw.ExitCode == 0 && answer >= 0 && raw.Stdout.IndexOf("Address", answer, StringComparison.Ordinal) > answer)
            {
                return (StepOutcome.Resolved, FirstLine(raw.Stdout[answer..]));
            }

            if (raw.ExitCode != 0 && !raw.HitLimit)
            {
                return (StepOutcome.DnsFailed, FirstLine(raw.Stdout + "\n" + raw.Stderr));
            }
        }

        return raw.HitLimit
            ? (StepOutcome.TimedOut, $"the resolver gave no answer within the {raw.Limit.TotalSeconds:0.#} s limit")
            : (StepOutcome.Error, Summary(raw));
    }

    private static (StepOutcome, string) ClassifyVerdictLine(RawBatteryReport raw)
    {
        var lines = raw.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var verdict = lines.Length == 0 ? "" : lines[^1];
        var findings = string.Join("; ", lines.Take(lines.Length - 1).Where(l => l.StartsWith("present:", StringComparison.Ordinal) || l.StartsWith("escalated:", StringComparison.Ordinal)));
        var context = findings.Length > 0 ? findings : string.Join("; ", lines.Take(Math.Max(0, lines.Length - 1)).Take(4));
        return verdict switch
        {
            "present" => (StepOutcome.Present, context),
            "absent" => (StepOutcome.Absent, context.Length > 0 ? context : "nothing found"),
            "permitted" => (StepOutcome.Permitted, context),
            "denied" => (StepOutcome.Denied, context),
            _ when raw.HitLimit => (StepOutcome.TimedOut, $"no verdict within the {raw.Limit.TotalSeconds:0.#} s limit"),
            _ => (StepOutcome.Error, Summary(raw)),
        };
    }

    /// <summary>The raw IPv6 dial's and the host sweep's last line: how far the most reachable attempt got.</summary>
    private static (StepOutcome, string) ClassifyReachability(RawBatteryReport raw)
    {
        var lines = raw.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var context = string.Join("; ", lines.Take(Math.Max(0, lines.Length - 1)));

        // A sweep cut short still counts every address that answered before it was.
        var verdict = lines.Length == 0 ? "" : lines[^1];
        if (verdict is not ("connected" or "refused" or "unreachable" or "silent"))
        {
            verdict = lines.Any(l => l.EndsWith(": connected", StringComparison.Ordinal)) ? "connected"
                : lines.Any(l => l.EndsWith(": refused", StringComparison.Ordinal)) ? "refused" : verdict;
            context = string.Join("; ", lines);
        }

        return verdict switch
        {
            "connected" => (StepOutcome.Connected, context),
            "refused" => (StepOutcome.Refused, context),
            "unreachable" => (StepOutcome.Unreachable, context),
            "silent" => (StepOutcome.TimedOut, context),
            _ when raw.HitLimit => (StepOutcome.TimedOut, $"no verdict within the {raw.Limit.TotalSeconds:0.#} s limit"),
            _ => (StepOutcome.Error, Summary(raw)),
        };
    }

    private static int HeaderEnd(string text, int start)
    {
        var end = text.IndexOf("\n\n", start, StringComparison.Ordinal);
        var crlf = text.IndexOf("\r\n\r\n", start, StringComparison.Ordinal);
        var candidates = new[] { end, crlf }.Where(i => i >= 0).ToArray();
        return candidates.Length == 0 ? text.Length : candidates.Min();
    }

    private static string? Line(string text, Regex pattern)
    {
        foreach (var line in text.Split('\n'))
        {
            if (pattern.IsMatch(line))
            {
                return line.Trim().TrimStart('*', ' ');
            }
        }

        return null;
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";

    private static string Summary(RawBatteryReport raw)
    {
        var error = FirstLine(raw.Stderr);
        var output = FirstLine(raw.Stdout);
        return $"exit {raw.ExitCode}" + (error.Length > 0 ? ", stderr: " + error : "") + (output.Length > 0 ? ", stdout: " + output : "");
    }

    [GeneratedRegex(@"^\*?\s*Connected to ")]
    private static partial Regex CurlConnected();

    [GeneratedRegex(@"succeeded!")]
    private static partial Regex OpenBsdSucceeded();

    [GeneratedRegex(@"Name or service not known|Temporary failure in name resolution|Could not resolve host|bad address|getaddrinfo|No address associated|Unknown host|NXDOMAIN|can't resolve", RegexOptions.IgnoreCase)]
    private static partial Regex DnsFailure();

    [GeneratedRegex(@"Connection refused", RegexOptions.IgnoreCase)]
    private static partial Regex RefusedText();

    [GeneratedRegex(@"Network is unreachable|No route to host|Host is unreachable|Network unreachable|Cannot assign requested address|Address family not supported", RegexOptions.IgnoreCase)]
    private static partial Regex UnreachableText();

    /// <summary>What the battery adds to an IPv6 dial's output where the namespace has no IPv6 address but loopback's.</summary>
    internal const string NoIpv6Address = "(no IPv6 address in this network namespace)";

    /// <summary>EADDRNOTAVAIL: for IPv6 with no IPv6 address there is no path (unreachable); otherwise something took every local port.</summary>
    [GeneratedRegex(@"Cannot assign requested address", RegexOptions.IgnoreCase)]
    private static partial Regex NoLocalAddress();

    [GeneratedRegex(@"Operation not permitted|Permission denied", RegexOptions.IgnoreCase)]
    private static partial Regex DeniedText();

    [GeneratedRegex(@"timed out|Timeout was reached|Time-out", RegexOptions.IgnoreCase)]
    private static partial Regex TimeoutText();

    [GeneratedRegex(@"^HTTP/\d(?:\.\d)? (?<code>\d{3})[^\r\n]*", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^Server:\s*tinyproxy", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex TinyproxyServer();

    [GeneratedRegex(@"^Via:", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex ViaHeader();

    [GeneratedRegex(@"CONNECT tunnel failed, response (?<code>\d{3})")]
    private static partial Regex CurlTunnelFailed();
}
