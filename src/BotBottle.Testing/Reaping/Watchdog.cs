using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Reaping;

/// <summary>
/// The reaper: a detached watchdog per test host that outlives it. It polls the host's pid once a second; when the
/// host is gone (exited, killed, a zombie), it removes what that host's session left, twice two seconds apart (smolvm
/// machines three times, 2 s and then 4 s apart, for smolvm's slower create; a
/// create in flight when the host died lands after the first pass). It runs the same tools the backends use (the
/// docker CLI with the endpoint's settings, so a remote <c>DOCKER_HOST</c> works; the smolvm CLI), in its own
/// session (<c>setsid</c>, or perl's POSIX::setsid on macOS) so neither a process-tree kill nor a terminal's Ctrl+C
/// of the test host reaches it. Started once per process and target, before the first resource is created.
/// </summary>
internal static class Watchdog
{
    /// <summary>How often the watchdog looks for its host.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private const string Detach =
        "inner=$0\n" +
        "if command -v setsid >/dev/null 2>&1; then setsid sh -c \"$inner\" bbt-reaper \"$@\" </dev/null >/dev/null 2>&1 &\n" +
        "else perl -e 'use POSIX (); POSIX::setsid(); exec @ARGV or exit 127' sh -c \"$inner\" bbt-reaper \"$@\" </dev/null >/dev/null 2>&1 &\n" +
        "fi\n";

    private const string WaitForHost =
        "trap '' HUP INT TERM PIPE\n" +
        "alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null) || { kill -0 \"$1\" 2>/dev/null; return; }; [ -n \"$s\" ] && [ \"${s#Z}\" = \"$s\" ]; }\n" +
        "host=$1; shift\n" +
        "while alive \"$host\"; do sleep 1; done\n";

    // A resource kept for debugging (dev.botbottle.keep-until in the future) is left to a later launch's sweep.
    private const string DockerSweep = WaitForHost +
        "session=$1 docker=$2\n" +
        "unkept() { now=$(date +%s); while read -r id keep; do case $keep in ''|*[!0-9]*) ;; *) [ \"$keep\" -gt \"$now\" ] && continue ;; esac; printf '%s\\n' \"$id\"; done; }\n" +
        "for pass in 1 2; do\n" +
        "  ids=$(\"$docker\" ps -a --filter \"label=dev.botbottle.session=$session\" --format '{{.ID}} {{.Label \"dev.botbottle.keep-until\"}}' 2>/dev/null | unkept)\n" +
        "  [ -n \"$ids\" ] && \"$docker\" rm -f -v $ids >/dev/null 2>&1\n" +
        "  nets=$(\"$docker\" network ls --filter \"label=dev.botbottle.session=$session\" --format '{{.ID}} {{.Label \"dev.botbottle.keep-until\"}}' 2>/dev/null | unkept)\n" +
        "  [ -n \"$nets\" ] && \"$docker\" network rm $nets >/dev/null 2>&1\n" +
        "  [ \"$pass\" = 1 ] && sleep 2\n" +
        "done\n" +
        "exit 0\n";

    /// <summary>
    /// Prints the <c>name</c> of every machine in smolvm's <c>machine ls --json</c> (an array of objects; serde_json
    /// pretty-prints it, but any layout is read) whose <c>labels</c> object maps <c>key</c> to <c>value</c>. A small
    /// JSON tokenizer in POSIX awk (strings with escapes, nesting), because the reaper runs where only sh and awk are
    /// certain: no jq, no JSON::PP in Debian's perl-base.
    /// </summary>
    internal const string LabelledMachines = """
        { s = s $0 "\n" }
        END {
          n = length(s); d = 0; i = 1
          while (i <= n) {
            c = substr(s, i, 1)
            if (c == "\"") {
              j = i + 1; str = ""
              while (j <= n) {
                ch = substr(s, j, 1)
                if (ch == "\\") { str = str ch substr(s, j + 1, 1); j += 2; continue }
                if (ch == "\"") break
                str = str ch; j++
              }
              i = j + 1
              if (t[d] == "{" && k[d] == "") { k[d] = str; continue }
              if (d == 2 && k[2] == "name") name = str
              if (d == 3 && k[2] == "labels" && k[3] == key && str == value) hit = 1
              continue
            }
            if (c == "{" || c == "[") { d++; t[d] = c; k[d] = ""; if (d == 2 && c == "{") { name = ""; hit = 0 } }
            else if (c == "}" || c == "]") { if (d == 2 && c == "}" && hit && name != "") print name; d-- }
            else if (c == ",") k[d] = ""
            i++
          }
        }
        """;

    // Three passes, 2 s and then 4 s apart: a smolvm create in flight when the host died (slower than an engine's on
    // a loaded machine) still lands before the last, well within the reaper's promise.
    private const string SmolvmSweep = WaitForHost +
        "session=$1 smolvm=$2 labels=$3; shift 3\n" +
        "for pass in 1 2 3; do\n" +
        "  \"$smolvm\" machine ls --json 2>/dev/null | awk -v key=dev.botbottle.session -v value=\"$session\" \"$labels\" | while IFS= read -r name; do\n" +
        "    case $name in ''|*[!A-Za-z0-9_-]*) continue;; esac\n" +
        "    \"$smolvm\" \"$@\" \"$name\" -f </dev/null >/dev/null 2>&1\n" +
        "  done\n" +
        "  [ \"$pass\" = 1 ] && sleep 2\n" +
        "  [ \"$pass\" = 2 ] && sleep 4\n" +
        "done\n" +
        "exit 0\n";

    private static readonly ConcurrentDictionary<string, bool> Watching = new(StringComparer.Ordinal);

    /// <summary>Watches this process (or <paramref name="hostPid"/>) for the docker engine at <paramref name="endpoint"/>: the session's containers and networks, but for those kept for debugging.</summary>
    public static Task WatchDockerAsync(Uri endpoint, string dockerCli, string session, ILogger logger, int? hostPid = null) =>
        WatchAsync("docker " + endpoint + " " + session, DockerSweep, [session, dockerCli], new Dictionary<string, string?> { ["DOCKER_HOST"] = endpoint.ToString(), ["DOCKER_CONTEXT"] = null }, logger, hostPid);

    /// <summary>
    /// Watches this process for a smolvm CLI: every machine <c>machine ls --json</c> lists with the label
    /// <c>dev.botbottle.session=SESSION</c> is deleted with <paramref name="deleteCommand"/> followed by its name and <c>-f</c>.
    /// </summary>
    /// <param name="smolvm">The smolvm executable.</param>
    /// <param name="environment">Its environment (the emulator keeps its state per environment).</param>
    /// <param name="session">The session whose machines are removed.</param>
    /// <param name="deleteCommand">The delete argv before the name (version-dependent).</param>
    /// <param name="logger">Where a reaper that cannot start is reported.</param>
    /// <param name="hostPid">The process to watch: this one, unless a test stands in another.</param>
    public static Task WatchSmolvmAsync(string smolvm, IReadOnlyDictionary<string, string?> environment, string session, IReadOnlyList<string> deleteCommand, ILogger logger, int? hostPid = null) =>
        WatchAsync("smolvm " + smolvm + " " + session + " " + string.Join(" ", environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + e.Value)), SmolvmSweep, [session, smolvm, LabelledMachines, .. deleteCommand], environment, logger, hostPid);

    private static async Task WatchAsync(string key, string script, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment, ILogger logger, int? hostPid = null)
    {
        var host = hostPid ?? Environment.ProcessId;
        key += " " + host.ToString(CultureInfo.InvariantCulture);
        if (OperatingSystem.IsWindows() || !Watching.TryAdd(key, true))
        {
            return;
        }

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in (IEnumerable<string>)["-c", Detach, script, host.ToString(CultureInfo.InvariantCulture), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        try
        {
            using var detach = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start");

            // Not cancellable on purpose: the detaching shell ends at once, and a half-started reaper is worse than none.
            await detach.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            logger.LogDebug("reaper watching process {Pid} for {Target}", host, key);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Watching.TryRemove(key, out _);
            logger.LogWarning("no reaper for {Target}: {Error}; what a killed test host leaves is removed by the next launch's sweep", key, e.Message);
        }
    }
}
