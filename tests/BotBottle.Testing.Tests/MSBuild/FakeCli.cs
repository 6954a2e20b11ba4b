namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>
/// A stand-in for the botbottle CLI (a shell script, so the tasks are tested without launching bottles):
/// it records its argv and its BOTBOTTLE_ env, copies a canned JSON report (the CLI's contract) into --report-dir, prints the
/// given lines and exits with the given code. Not a bottle: the real CLI is exercised by the e2e tests.
/// </summary>
public sealed class FakeCli : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("bbt-fakecli-");

    public FakeCli(int exitCode, string? report = null, string stdout = "", string stderr = "")
    {
        if (report is not null)
        {
            File.WriteAllText(System.IO.Path.Combine(_dir.FullName, "report.json"), report);
        }

        File.WriteAllText(System.IO.Path.Combine(_dir.FullName, "stdout"), stdout);
        File.WriteAllText(System.IO.Path.Combine(_dir.FullName, "stderr"), stderr);
        Path = System.IO.Path.Combine(_dir.FullName, "botbottle");
        File.WriteAllText(Path, $$"""
            #!/bin/sh
            here="$(dirname "$0")"
            printf '%s\n' "$@" > "$here/argv"
            echo "$*" >> "$here/calls"
            env | grep '^BOTBOTTLE_' > "$here/env" || true
            dir=""; name=""
            while [ $# -gt 0 ]; do
              case "$1" in --report-dir) dir="$2"; shift ;; --report-name) name="$2"; shift ;; esac
              shift
            done
            if [ -f "$here/report.json" ] && [ -n "$dir" ]; then
              mkdir -p "$dir" && cp "$here/report.json" "$dir/$name.json" && echo '# md' > "$dir/$name.md"
            fi
            cat "$here/stdout"; cat "$here/stderr" >&2
            exit {{exitCode}}
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ReportDirectory = System.IO.Path.Combine(_dir.FullName, "reports");
    }

    public string Path { get; }

    public string ReportDirectory { get; }

    /// <summary>Whether the task ran the CLI at all.</summary>
    public bool Ran => File.Exists(System.IO.Path.Combine(_dir.FullName, "argv"));

    public IReadOnlyList<string> Argv => File.ReadAllLines(System.IO.Path.Combine(_dir.FullName, "argv"));

    /// <summary>One line per run (its argv), in order.</summary>
    public IReadOnlyList<string> Calls => File.Exists(System.IO.Path.Combine(_dir.FullName, "calls")) ? File.ReadAllLines(System.IO.Path.Combine(_dir.FullName, "calls")) : [];

    public IReadOnlyList<string> Env => File.ReadAllLines(System.IO.Path.Combine(_dir.FullName, "env"));

    public void Dispose() => _dir.Delete(recursive: true);
}
