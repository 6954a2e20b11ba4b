using System.Globalization;
using System.Net;
using BotBottle.Testing.Witness;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// The smolmachines backend's wire witness. The VM has no NIC: its only way out is the host end of its proxy bridge,
/// which records every connection it carries (<see cref="RelayLog"/>, from before the machine exists). Each connection
/// that reached the bundle's proxy is expected; one the relay dialled anywhere else is a finding (the bridge dials one
/// endpoint by construction, so this would take a change to the bridge). At every read, smolvm's own record of the
/// machine (<c>machine ls --json</c>) is read too: a machine it shows with a network or published ports is a finding
/// naming what it shows, and a record that cannot be read leaves the report incomplete (never a pass).
/// </summary>
internal sealed class RelayWitness(RelayLog log, IPEndPoint bundleProxy, int proxyPort, SmolvmCli smolvm, SmolvmVersion version, string machine) : WireWitness
{
    private const string Protocol = "relay tcp";

    internal override async Task<WitnessRead> ReadFlowsAsync(CancellationToken cancellationToken)
    {
        var connections = log.Read();
        var flows = connections.Select(Classify).ToList();
        string? problem = null;
        try
        {
            var listed = await smolvm.RunCheckedAsync(SmolvmCommands.List(), cancellationToken).ConfigureAwait(false);
            var record = SmolvmMachineRecord.ParseList(listed.Stdout).FirstOrDefault(m => m.Name == machine);
            if (record is null)
            {
                problem = $"`smolvm machine ls --json` (smolvm {version}) does not list machine '{machine}'";
            }
            else
            {
                var now = DateTimeOffset.UtcNow;
                flows.AddRange(record.NetworkShown(version).Select(shown =>
                    new Flow(FlowKind.Finding, "smolvm record", "machine " + machine, shown, null, now, 0, $"smolvm {version}'s record of the machine (`machine ls --json`) shows a network")));
            }
        }
        catch (Exception e) when (e is SmolvmException or FormatException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            problem = $"smolvm's record of machine '{machine}' could not be read: {e.Message}";
        }

        return new WitnessRead($"the host relay of machine '{machine}'", connections.Count, 0, flows, problem);
    }

    private Flow Classify(RelayRecord connection)
    {
        var reached = connection.Dialled is IPEndPoint dialled && dialled.Address.Equals(bundleProxy.Address) && dialled.Port == bundleProxy.Port;
        var failure = connection.Failure is null ? "" : "; it ended early: " + connection.Failure;
        return reached
            ? new Flow(FlowKind.Expected, Protocol, "machine " + machine, "the bundle's proxy", proxyPort, connection.Opened, 1,
                string.Create(CultureInfo.InvariantCulture, $"the bundle's proxy, published on {bundleProxy}{failure}"))
            {
                BytesSent = connection.BytesSent,
                BytesReceived = connection.BytesReceived,
            }
            : new Flow(FlowKind.Finding, Protocol, "machine " + machine, (connection.Dialled as IPEndPoint)?.Address.ToString() ?? connection.Dialled?.ToString() ?? "(unknown)", (connection.Dialled as IPEndPoint)?.Port, connection.Opened, 1,
                $"the relay dialled other than the bundle's proxy ({bundleProxy}){failure}")
            {
                BytesSent = connection.BytesSent,
                BytesReceived = connection.BytesReceived,
            };
    }
}
