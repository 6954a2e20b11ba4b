using System.Collections.Concurrent;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Range;

/// <summary>
/// The link-local /24 that holds the cloud metadata address. A range's metadata network takes it whole, and an engine
/// lets only one network hold a subnet, so one range at a time has it on one engine, for as long as that range lives.
/// Ranges of this process take turns in the order they asked. A range of another process (another test host, the
/// command line) is waited for, however long it lives within <see cref="Patience"/>, and the wait names it. One whose
/// creator is provably dead is swept. A network that is not a probe range's fails the range at once: it will not go
/// away by itself.
/// </summary>
internal static class MetadataSubnet
{
    /// <summary>The subnet.</summary>
    public const string Cidr = "169.254.169.0/24";

    /// <summary>The role label of the network that holds it.</summary>
    public const string Role = "range-metadata";

    /// <summary>How long a range waits for the subnet in all (its turn here and another process's range).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(30);
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Turns = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits for the subnet and takes it with <paramref name="create"/> (which creates the network that holds it and
    /// throws the engine's overlap refusal while another network does). This process's turn is released on
    /// <paramref name="teardown"/>, after whatever is undone later than the take (the network itself).
    /// </summary>
    public static async Task TakeAsync(DockerEngine engine, string range, TeardownStack teardown, Func<CancellationToken, Task> create, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(teardown);
        var turn = await TurnAsync(engine.Endpoint.Uri.ToString(), range, Patience, logger, cancellationToken).ConfigureAwait(false);
        teardown.Push("release the metadata subnet", _ =>
        {
            turn.Release();
            return Task.CompletedTask;
        });
        await CreateWhenFreeAsync(engine, range, create, Patience, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>This process's turn at the subnet of the engine <paramref name="engineKey"/>, in the order asked; release it when done.</summary>
    internal static async Task<SemaphoreSlim> TurnAsync(string engineKey, string range, TimeSpan patience, ILogger logger, CancellationToken cancellationToken)
    {
        var turn = Turns.GetOrAdd(engineKey, _ => new SemaphoreSlim(1, 1));
        var deadline = DateTime.UtcNow + patience;
        while (!await turn.WaitAsync(Min(ReportEvery, patience), cancellationToken).ConfigureAwait(false))
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"the metadata subnet {Cidr} stayed with another probe range of this process for {patience}");
            }

            logger.LogInformation("probe range {Range} waits its turn for the metadata subnet {Subnet} behind another range of this process", range, Cidr);
        }

        return turn;
    }

    /// <summary>
    /// Runs <paramref name="create"/> until the engine stops refusing it for an overlap: while another process's probe
    /// range holds the subnet (named in the log every 30 s and in the timeout), or once after sweeping a holder whose
    /// creator is provably dead. Any other holder fails at once.
    /// </summary>
    internal static async Task CreateWhenFreeAsync(DockerEngine engine, string range, Func<CancellationToken, Task> create, TimeSpan patience, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(create);
        var deadline = DateTime.UtcNow + patience;
        var reported = DateTime.MinValue;
        var swept = false;
        while (true)
        {
            try
            {
                await create(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (EngineNetwork.IsSubnetTaken(e))
            {
                var holders = Holders(await EngineNetwork.ListAsync(engine, cancellationToken).ConfigureAwait(false));
                if (holders.FirstOrDefault(h => !IsRange(h)) is { } foreign)
                {
                    throw new InvalidOperationException(
                        $"the metadata subnet {Cidr} is held by network '{foreign.Name}', which is not a BotBottle probe range: a range puts its metadata decoy at {ProbeRange.MetadataAddress} and needs that subnet; remove that network or run the probes on another engine");
                }

                if (!swept && holders.Any(h => ProcessIdentity.FromLabels(new Dictionary<string, string>(h.Labels))?.IsProvablyDead() == true))
                {
                    swept = true;
                    await EngineSweeper.RemoveOrphansAsync(engine, logger, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // No network lists it between a removal and the engine's release of its addresses.
                var holder = holders.Count > 0 ? string.Join("; ", holders.Select(Describe)) : "a network no longer listed, on its way out (" + EngineFailure.Reason(e) + ")";
                if (DateTime.UtcNow >= deadline)
                {
                    throw new TimeoutException($"the metadata subnet {Cidr} stayed taken for {patience}: {holder}");
                }

                if (DateTime.UtcNow - reported >= ReportEvery)
                {
                    reported = DateTime.UtcNow;
                    logger.LogInformation("probe range {Range} waits for the metadata subnet {Subnet}, held by {Holder}", range, Cidr, holder);
                }
            }

            await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The networks with an IPv4 subnet that overlaps the metadata subnet.</summary>
    internal static IReadOnlyList<NetworkDetails> Holders(IEnumerable<NetworkDetails> networks)
    {
        var metadata = Ipv4Cidr.Parse(Cidr);
        return [.. networks.Where(n => n.Subnets.Any(s => Ipv4Cidr.TryParse(s.Subnet) is { } subnet && subnet.Overlaps(metadata)))];
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>A probe range's metadata network: this role, or the outside networks' role and the metadata name that harnesses before it gave.</summary>
    internal static bool IsRange(NetworkDetails network) =>
        network.Labels.TryGetValue(ResourceLabels.Harness, out var harness) && harness == ResourceLabels.HarnessName
        && network.Labels.TryGetValue(ResourceLabels.Role, out var role)
        && (role == Role || (role == "range-network" && network.Name.EndsWith("-metadata", StringComparison.Ordinal)));

    private static string Describe(NetworkDetails network)
    {
        string Label(string key) => network.Labels.TryGetValue(key, out var value) ? value : "?";
        var here = Label(ResourceLabels.Session) == ResourceLabels.SessionId ? ", this process" : "";
        return $"network {network.Name} (session {Label(ResourceLabels.Session)}, pid {Label(ResourceLabels.Pid)} on {Label(ResourceLabels.Host)}{here})";
    }
}
