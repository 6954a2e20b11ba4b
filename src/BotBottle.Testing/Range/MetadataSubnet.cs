using System.Collections.Concurrent;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Processes;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Range;

/// <summary>
/// The link-local /24 that holds the cloud metadata address. A range's metadata network takes it whole, and an engine
/// lets only one network hold a subnet, so one range at a time has it on one engine, for as long as that range lives.
/// Ranges of this process take turns in the order they asked. A range of another process (another test host, the
/// command line) is waited for, however long it lives within <see cref="Patience"/>, and the wait names it. One whose
/// creator is provably dead is swept with the rest of its session. A network that is not a probe range's, or a dead
/// range's kept for debugging, fails the range at once: it will not go away by itself.
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
    /// throws the engine's overlap refusal while another network does), within <see cref="Patience"/> in all. This
    /// process's turn is released on <paramref name="teardown"/>, after whatever is undone later than the take (the
    /// network itself).
    /// </summary>
    public static async Task TakeAsync(DockerEngine engine, string range, TeardownStack teardown, Func<CancellationToken, Task> create, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(teardown);
        var since = DateTime.UtcNow;
        var turn = await TurnAsync(engine.Endpoint.Uri.ToString(), range, Patience, logger, cancellationToken).ConfigureAwait(false);
        teardown.Push("release the metadata subnet", _ =>
        {
            turn.Release();
            return Task.CompletedTask;
        });
        await CreateWhenFreeAsync(engine, range, Cidr, create, Patience, logger, cancellationToken, since).ConfigureAwait(false);
    }

    /// <summary>This process's turn at the subnet of the engine <paramref name="engineKey"/>, first asked first served; release it when done.</summary>
    internal static async Task<SemaphoreSlim> TurnAsync(string engineKey, string range, TimeSpan patience, ILogger logger, CancellationToken cancellationToken, TimeSpan? reportEvery = null)
    {
        var turn = Turns.GetOrAdd(engineKey, _ => new SemaphoreSlim(1, 1));

        // One wait, so the place in the queue is kept (a wait that timed out and asked again would go to its end).
        // A cancelled report delay leaves the outcome to the wait itself, which may have got the turn just before.
        var waiting = turn.WaitAsync(patience, cancellationToken);
        while (!waiting.IsCompleted)
        {
            var report = Task.Delay(reportEvery ?? ReportEvery, cancellationToken);
            if (await Task.WhenAny(waiting, report).ConfigureAwait(false) == waiting || report.IsCanceled)
            {
                break;
            }

            logger.LogInformation("probe range {Range} waits its turn for the metadata subnet {Subnet} behind another range of this process", range, Cidr);
        }

        return await waiting.ConfigureAwait(false)
            ? turn
            : throw new TimeoutException($"the metadata subnet {Cidr} stayed with another probe range of this process for {patience}");
    }

    /// <summary>
    /// Runs <paramref name="create"/> until the engine stops refusing it for an overlap with <paramref name="cidr"/>:
    /// while another process's probe range holds it (named in the log every 30 s and in the timeout), or once more
    /// after sweeping the session of a holder whose creator is provably dead. Any other holder fails at once: a
    /// network that is not a range's, or a dead range's kept for debugging.
    /// </summary>
    internal static async Task CreateWhenFreeAsync(
        DockerEngine engine, string range, string cidr, Func<CancellationToken, Task> create, TimeSpan patience, ILogger logger, CancellationToken cancellationToken, DateTime? since = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(create);
        var reported = DateTime.MinValue;
        var swept = new HashSet<string>(StringComparer.Ordinal);
        await Deadline.PollAsync<bool>(
            async ct =>
            {
                try
                {
                    await create(ct).ConfigureAwait(false);
                    return Deadline.Attempt<bool>.Success(true);
                }
                catch (Exception e) when (EngineNetwork.IsSubnetTaken(e))
                {
                    var holders = Holders(await EngineNetwork.ListAsync(engine, ct).ConfigureAwait(false), cidr);
                    if (holders.FirstOrDefault(h => !IsRange(h)) is { } foreign)
                    {
                        throw new InvalidOperationException(
                            $"the metadata subnet {cidr} is held by network '{foreign.Name}', which is not a BotBottle probe range: a range puts its metadata decoy at {ProbeRange.MetadataAddress} and needs that subnet; remove that network or run the probes on another engine");
                    }

                    var dead = holders.Where(IsOrphaned).ToList();
                    if (dead.FirstOrDefault(h => ResourceLabels.IsKept(Labels(h), DateTimeOffset.UtcNow)) is { } kept)
                    {
                        throw new InvalidOperationException(
                            $"the metadata subnet {cidr} is held by {Describe(kept)}, kept for debugging by a test host that is gone; remove it (docker network rm {kept.Name}) when you are done with it");
                    }

                    if (dead.Select(h => Label(h, ResourceLabels.Session)).FirstOrDefault(swept.Add) is { } session)
                    {
                        await SweepAsync(engine, session, logger, ct).ConfigureAwait(false);
                    }

                    // No network lists it between a removal and the engine's release of its addresses.
                    var holder = holders.Count > 0 ? string.Join("; ", holders.Select(Describe)) : "a network no longer listed, on its way out (" + EngineFailure.Reason(e) + ")";
                    if (DateTime.UtcNow - reported >= ReportEvery)
                    {
                        reported = DateTime.UtcNow;
                        logger.LogInformation("probe range {Range} waits for the metadata subnet {Subnet}, held by {Holder}", range, cidr, holder);
                    }

                    return Deadline.Attempt<bool>.Retry(holder);
                }
            },
            (since ?? DateTime.UtcNow) + patience - DateTime.UtcNow,
            Interval,
            last => Task.FromResult<Exception>(new TimeoutException($"the metadata subnet {cidr} stayed taken for {patience}: {last}")),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The networks with an IPv4 subnet that overlaps the metadata subnet.</summary>
    internal static IReadOnlyList<NetworkDetails> Holders(IEnumerable<NetworkDetails> networks, string cidr = Cidr)
    {
        var metadata = Ipv4Cidr.Parse(cidr);
        return [.. networks.Where(n => n.Subnets.Any(s => Ipv4Cidr.TryParse(s.Subnet) is { } subnet && subnet.Overlaps(metadata)))];
    }

    /// <summary>Removes what the dead session left that is not kept; a failure is logged, and the wait goes on.</summary>
    private static async Task SweepAsync(DockerEngine engine, string session, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await EngineSweeper.RemoveOrphansOfSessionAsync(engine, session, logger, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("sweeping session {Session}, whose range held the metadata subnet, failed: {Reason}", session, EngineFailure.Reason(e));
        }
    }

    private static bool IsOrphaned(NetworkDetails network) => ProcessIdentity.FromLabels(Labels(network))?.IsProvablyDead() == true;

    private static Dictionary<string, string> Labels(NetworkDetails network) => new(network.Labels, StringComparer.Ordinal);

    private static string Label(NetworkDetails network, string key) => network.Labels.TryGetValue(key, out var value) ? value : "?";

    /// <summary>A probe range's metadata network: this role, or the outside networks' role and the metadata name that harnesses before it gave.</summary>
    internal static bool IsRange(NetworkDetails network) =>
        network.Labels.TryGetValue(ResourceLabels.Harness, out var harness) && harness == ResourceLabels.HarnessName
        && network.Labels.TryGetValue(ResourceLabels.Role, out var role)
        && (role == Role || (role == "range-network" && network.Name.EndsWith("-metadata", StringComparison.Ordinal)));

    private static string Describe(NetworkDetails network)
    {
        var here = Label(network, ResourceLabels.Session) == ResourceLabels.SessionId ? ", this process" : "";
        return $"network {network.Name} (session {Label(network, ResourceLabels.Session)}, pid {Label(network, ResourceLabels.Pid)} on {Label(network, ResourceLabels.Host)}{here})";
    }
}
