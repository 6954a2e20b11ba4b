using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using BotBottle.Testing.MSBuild.Cli;
using BotBottle.Testing.MSBuild.Reports;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace BotBottle.Testing.MSBuild.Tasks;

/// <summary>
/// What <see cref="RunBottleProbes"/> and <see cref="RunBottleConformance"/> share: launch a bottle through
/// the botbottle CLI, always torn down (also on cancellation), write JUnit/JSON/Markdown reports, and log one
/// error per failed check with its stable code and evidence.
/// </summary>
public abstract class BottleCheckTask : Task, ICancelableTask
{
    private static readonly Regex EnvName = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
    private readonly CliProcess _cli = new();
    private List<string> _secrets = [];

    /// <summary>The botbottle CLI (<c>botbottle.dll</c>); the package's targets point it at <c>tools/cli</c>.</summary>
    [Required]
    public string CliPath { get; set; } = "";

    /// <summary>Backends to run on, <c>;</c>-separated (docker, smolmachines); empty: the CLI's default (all, missing ones skipped).</summary>
    public string? Backends { get; set; }

    /// <summary>The agent image (empty: the reference image).</summary>
    public string? AgentImage { get; set; }

    /// <summary>The bundle image (empty: the reference image).</summary>
    public string? BundleImage { get; set; }

    /// <summary>Env the bottle declares for the agent: item spec the name, metadata <c>Value</c> the value (passed through the CLI's environment, never its command line).</summary>
    public ITaskItem[] Env { get; set; } = [];

    /// <summary>Where the reports go.</summary>
    [Required]
    public string ReportDirectory { get; set; } = "";

    /// <summary>File name prefix of the reports.</summary>
    public string? ReportName { get; set; }

    /// <summary>When no backend can run here: a warning (true) instead of an error (false, the default).</summary>
    public bool AllowSkippedBackends { get; set; }

    /// <summary>How long a cancelled run may take to tear its bottle down before it is killed.</summary>
    public int TeardownTimeoutSeconds { get; set; } = 60;

    /// <summary>The JUnit, JSON and Markdown reports written.</summary>
    [Output]
    public ITaskItem[] ReportFiles { get; private set; } = [];

    /// <summary>Each failed check: item spec the check id, metadata <c>Backend</c>, <c>Code</c>, <c>Message</c>.</summary>
    [Output]
    public ITaskItem[] FailedChecks { get; private set; } = [];

    /// <summary>The CLI command (<c>probes</c>, <c>conformance</c>).</summary>
    protected abstract string Command { get; }

    /// <summary>The running CLI's process id, while it runs (its resources carry it as their pid label).</summary>
    internal int? CliProcessId => _cli.ProcessId;

    /// <summary>Stops the run; the bottle is torn down before the task returns.</summary>
    public void Cancel() => _cli.Cancel();

    /// <inheritdoc />
    public override bool Execute()
    {
        if (!File.Exists(CliPath))
        {
            Log.LogError(null, ErrorCodes.CliMissing, null, null, 0, 0, 0, 0, LogText.Clean($"the botbottle CLI is not at '{CliPath}' (set BottleCliPath, or restore the BotBottle.Testing.MSBuild package)"));
            return false;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in Env)
        {
            if (!EnvName.IsMatch(item.ItemSpec))
            {
                Log.LogError(null, ErrorCodes.InvalidEnv, null, null, 0, 0, 0, 0, LogText.Clean($"'{item.ItemSpec}' is not a valid environment variable name for the bottle"));
                continue;
            }

            environment["BOTBOTTLE_BOTTLE_ENV_" + item.ItemSpec] = item.GetMetadata("Value");
        }

        // The CLI masks these values in all it prints; the task masks them again in every line it logs, by value.
        _secrets = environment.Values.Where(v => v.Length >= 6).OrderByDescending(v => v.Length).ToList();

        if (Log.HasLoggedErrors)
        {
            return false;
        }

        var name = string.IsNullOrEmpty(ReportName) ? Command : ReportName!;
        var argv = new List<string>(CliProcess.Launcher(CliPath)) { Command, "--report-dir", Path.GetFullPath(ReportDirectory), "--report-name", name };
        foreach (var backend in (Backends ?? "").Split([';'], StringSplitOptions.RemoveEmptyEntries).Select(b => b.Trim()).Where(b => b.Length > 0))
        {
            argv.AddRange(["--backend", backend]);
        }

        if (!string.IsNullOrEmpty(AgentImage))
        {
            argv.AddRange(["--agent-image", AgentImage!]);
        }

        if (!string.IsNullOrEmpty(BundleImage))
        {
            argv.AddRange(["--bundle-image", BundleImage!]);
        }

        AddArguments(argv);
        if (Log.HasLoggedErrors)
        {
            return false;
        }

        Log.LogMessage(MessageImportance.Normal, "botbottle: " + ArgumentQuoting.Join(argv));
        var stderr = new List<string>();
        var stdout = new List<string>();
        var exit = _cli.Run(
            argv,
            environment,
            (line, isError) =>
            {
                line = Masked(line);
                (isError ? stderr : stdout).Add(line);
                Log.LogMessage(MessageImportance.Normal, line);
            },
            TimeSpan.FromSeconds(TeardownTimeoutSeconds),
            message => Log.LogMessage(MessageImportance.High, message));

        if (_cli.Cancelled)
        {
            Log.LogError(null, ErrorCodes.Cancelled, null, null, 0, 0, 0, 0, LogText.Clean($"{Command} was cancelled (botbottle exit {exit}); the bottle was torn down"));
            return false;
        }

        return Judge(exit, name, stdout, stderr);
    }

    /// <summary>Adds the command's own arguments; an error it logs stops the task before the CLI runs.</summary>
    protected abstract void AddArguments(List<string> argv);

    private bool Judge(int exit, string name, List<string> stdout, List<string> stderr)
    {
        // The CLI's JSON report (schema version 2) is the contract; its console text is for people.
        var directory = Path.GetFullPath(ReportDirectory);
        var json = Path.Combine(directory, name + ".json");
        if (!File.Exists(json))
        {
            Log.LogError(null, exit == 2 ? ErrorCodes.InvalidSpec : ErrorCodes.CliFailed, null, null, 0, 0, 0, 0, LogText.Clean($"botbottle exited {exit} without writing {json}: {Tail(stderr.Count > 0 ? stderr : stdout)}"));
            return false;
        }

        RunReport report;
        try
        {
            report = ReportContract.Read<RunReport>(json);
        }
        catch (Exception e) when (e is InvalidDataException or System.Runtime.Serialization.SerializationException or IOException)
        {
            Log.LogError(null, ErrorCodes.CliFailed, null, json, 0, 0, 0, 0, LogText.Clean($"the botbottle report cannot be read: {e.Message}"));
            return false;
        }

        if (report.Outcome == "invalid-spec")
        {
            foreach (var error in report.SpecErrors)
            {
                Log.LogError(null, ErrorCodes.InvalidSpec, null, error.File, error.Line, error.Column, 0, 0, LogText.Clean(error.Message));
            }

            return false;
        }

        ReportFiles = new[] { Path.Combine(directory, name + ".junit.xml"), json, Path.Combine(directory, name + ".md") }
            .Where(File.Exists).Select(f => (ITaskItem)new TaskItem(f)).ToArray();
        var failures = report.Backends.SelectMany(b => b.Results.Where(r => r.Failed).Select(r => (Backend: b, Result: r))).ToList();
        foreach (var (backend, result) in failures)
        {
            Log.LogError("bottle", result.Code.ToString(), null, json, 0, 0, 0, 0, Masked(LogText.Clean(OneLine(backend.Backend, result))));
        }

        FailedChecks = failures.Select(f =>
        {
            var item = new TaskItem(f.Result.Id);
            item.SetMetadata("Backend", f.Backend.Backend);
            item.SetMetadata("BackendLabel", f.Backend.Label);
            item.SetMetadata("Kind", f.Result.Kind);
            item.SetMetadata("Code", f.Result.Code.ToString());
            item.SetMetadata("Message", Masked(f.Result.Message));
            return (ITaskItem)item;
        }).ToArray();

        if (report.Outcome == "nothing-ran")
        {
            var why = string.Join("; ", report.Backends.Where(b => b.Skipped is not null).Select(b => $"{b.Backend}: {b.Skipped}"));
            var message = $"no backend could run here, so nothing was checked: {why}";
            if (AllowSkippedBackends)
            {
                Log.LogWarning(null, ErrorCodes.NothingRan, null, null, 0, 0, 0, 0, LogText.Clean(message));
            }
            else
            {
                Log.LogError(null, ErrorCodes.NothingRan, null, null, 0, 0, 0, 0, LogText.Clean(message + " (set AllowSkippedBackends/BottleAllowSkippedBackends to make this a warning)"));
            }
        }

        Log.LogMessage(MessageImportance.High, $"{Command}: {report.Totals.Passed} passed, {report.Totals.Failed} failed, {report.Totals.Skipped} skipped; reports in {directory}");
        return !Log.HasLoggedErrors;
    }

    /// <summary>
    /// One error line per check (loggers print each line of a message as an error of its own): the message, the
    /// fix when there is one, then the evidence lines the message does not already hold, joined with <c> | </c>.
    /// </summary>
    private static string OneLine(string backend, ResultEntry result)
    {
        var message = result.Hint is { Length: > 0 } hint ? $"{result.Message} — fix: {hint}" : result.Message;
        var evidence = result.Evidence.Split('\n').Select(l => Regex.Replace(l, @"\s+", " ").Trim())
            .Where(l => l.Length > 0 && !LogText.IsStackFrame(l) && !message.Contains(l)).Distinct().ToList();
        var text = $"{backend} {result.Id}: {message}" + (evidence.Count > 0 ? " | evidence: " + string.Join(" | ", evidence) : "");
        return text.Length <= 2000 ? text : text.Remove(2000) + " …";
    }

    /// <summary><paramref name="text"/> with every BottleEnv value of six or more characters masked.</summary>
    private string Masked(string text) => _secrets.Aggregate(text, (t, v) => t.Replace(v, "***"));

    private static string Tail(List<string> lines) => lines.Count == 0 ? "(no output)" : string.Join(" | ", lines.Skip(Math.Max(0, lines.Count - 5)));
}
