using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Probes;

/// <summary>
/// One isolation property: the probe that tests it and the positive controls that prove the probe
/// could have seen the opposite (a refusal only counts when the same path can connect).
/// </summary>
/// <param name="Id">Stable id, e.g. <c>egress-port-bypass</c>.</param>
/// <param name="Title">What a correctly isolated bottle guarantees, in words.</param>
/// <param name="Probe">The probe.</param>
/// <param name="Controls">Controls that must pass for the probe's verdict to count.</param>
public sealed record IsolationCheck(string Id, string Title, IsolationStep Probe, IReadOnlyList<IsolationStep> Controls)
{
    /// <summary>A filterable category ("network", "proxy", "dns", "identity", "secrets").</summary>
    public string Category { get; init; } = "network";

    /// <summary>Its diagnostic code: its catalogue entry's; <c>BBT0199</c> for a check the catalogue does not have.</summary>
    public CheckCode Code { get; init; } = CatalogueCode.UnknownCheck;

    /// <summary>Every step of the check, probe first.</summary>
    public IEnumerable<IsolationStep> Steps => Controls.Prepend(Probe);
}
