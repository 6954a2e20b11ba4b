using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Smolmachines.Doctor;

/// <summary>
/// The doctor's support bundle: a folder <c>botbottle-doctor-&lt;UTC time&gt;</c> with <c>doctor.txt</c> (the steps as
/// printed) and <c>doctor.json</c> (versions, steps, the prerequisite report, every smolvm call with its argv, exit
/// code, stderr and timing), and the same folder as a <c>.zip</c> beside it to attach to a report. Every text goes
/// through <see cref="SecretValues.Mask"/> as it is written, when every secret of the run has been registered.
/// </summary>
internal static class SupportBundle
{
    /// <summary>The most of one call's stderr that is kept (a guest's stderr can be long).</summary>
    public const int MaxStderr = 8192;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<(string Directory, string Zip)> WriteAsync(string under, string subject, IReadOnlyList<DoctorStep> steps, PrerequisiteReport prerequisites, IReadOnlyList<SmolvmCall> calls, CancellationToken cancellationToken)
    {
        // The bundle is this account's to read (0700), even under a lax umask; it goes where the user sends it.
        var directory = Directory.CreateDirectory(Path.Combine(under, "botbottle-doctor-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture))).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var text = new StringBuilder().AppendLine("botbottle doctor: " + subject);
        foreach (var step in steps)
        {
            text.AppendLine(step.Line);
        }

        var json = new
        {
            subject,
            botbottle = typeof(SupportBundle).Assembly.GetName().Version?.ToString(),
            runtime = RuntimeInformation.FrameworkDescription,
            os = RuntimeInformation.OSDescription,
            architecture = RuntimeInformation.OSArchitecture.ToString(),
            passed = steps.All(s => s.Outcome == DoctorOutcome.Pass),
            steps = steps.Select(s => new { name = s.Name, outcome = s.Outcome.ToString().ToLowerInvariant(), detail = s.Detail, seconds = Math.Round(s.Duration.TotalSeconds, 3) }),
            prerequisites = new { backend = prerequisites.Backend, satisfied = prerequisites.IsSatisfied, reason = prerequisites.Reason, notes = prerequisites.Notes },
            smolvm = calls.Select(c => new
            {
                argv = c.Argv,
                exitCode = c.ExitCode,
                stderr = Cut(SecretValues.Mask(c.Stderr)),
                fault = c.Fault,
                started = c.Started.ToString("O", CultureInfo.InvariantCulture),
                seconds = Math.Round(c.Duration.TotalSeconds, 3),
            }),
        };
        await File.WriteAllTextAsync(Path.Combine(directory, "doctor.txt"), SecretValues.Mask(text.ToString()), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "doctor.json"), SecretValues.Mask(JsonSerializer.Serialize(json, Indented)), cancellationToken).ConfigureAwait(false);
        var zip = directory + ".zip";
        File.Delete(zip);
        ZipFile.CreateFromDirectory(directory, zip, CompressionLevel.Optimal, includeBaseDirectory: true);
        return (directory, zip);
    }

    /// <summary>Masked first, then cut: a cut through a secret would leave its first part unmasked.</summary>
    private static string Cut(string masked) =>
        masked.Length > MaxStderr ? masked[..MaxStderr] + $"… ({masked.Length - MaxStderr} more characters)" : masked;
}
