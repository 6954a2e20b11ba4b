using System.CommandLine;
using BotBottle.Testing.Images;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Smolmachines.Doctor;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Cli;

/// <summary>
/// <c>botbottle doctor --backend smolmachines</c>: a short live check of a real machine, one pass/FAIL/skip line per
/// step (<see cref="SmolmachinesDoctor"/>), and a support bundle (a folder and its .zip) to attach to a report.
/// </summary>
internal sealed class DoctorCommand : ICliCommand
{
    public Command Create(TextWriter output, TextWriter error)
    {
        var backend = new Option<string>("--backend") { Description = "the backend to check (smolmachines)", HelpName = "NAME", Required = true };
        backend.AcceptOnlyFromAmong(SmolmachinesBackend.BackendName);
        var bundleDir = new Option<string>("--bundle-dir") { Description = "where the support bundle is written", HelpName = "DIR", DefaultValueFactory = _ => Path.Combine("artifacts", "doctor") };
        var agent = new Option<string?>("--agent-image") { Description = $"the agent image (default: {ReferenceImages.Agent}, or BOTBOTTLE_AGENT_IMAGE)", HelpName = "IMAGE" };
        var bundle = new Option<string?>("--bundle-image") { Description = $"the bundle image (default: {ReferenceImages.Bundle}, or BOTBOTTLE_BUNDLE_IMAGE)", HelpName = "IMAGE" };
        var command = new Command("doctor", "check smolvm on this machine step by step (a real machine is created and deleted) and write a support bundle") { backend, bundleDir, agent, bundle };
        command.SetAction(async (parsed, ct) =>
        {
            var settings = new DoctorSettings
            {
                AgentImage = parsed.GetValue(agent) ?? Environment.GetEnvironmentVariable("BOTBOTTLE_AGENT_IMAGE") ?? ReferenceImages.Agent,
                BundleImage = parsed.GetValue(bundle) ?? Environment.GetEnvironmentVariable("BOTBOTTLE_BUNDLE_IMAGE") ?? ReferenceImages.Bundle,
                OutputDirectory = parsed.GetValue(bundleDir) ?? Path.Combine("artifacts", "doctor"),
            };
            var report = await new SmolmachinesDoctor(new SmolmachinesOptions(), settings, NullLogger.Instance).RunAsync(ct);
            await output.WriteLineAsync("botbottle doctor: " + report.Subject);
            foreach (var step in report.Steps)
            {
                await output.WriteLineAsync(step.Line);
            }

            await output.WriteLineAsync($"support bundle: {report.BundleZip} (attach it to a report; secrets are masked)");
            return report.Passed ? 0 : 1;
        });
        return command;
    }
}
