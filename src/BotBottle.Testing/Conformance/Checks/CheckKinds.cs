namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// Every kind a spec may declare, in the order the parser reads their sections (and lists their checks). Registering
/// a new kind is one line here; its code, section, keys, defaults and stage are the kind's own.
/// </summary>
internal static class CheckKinds
{
    /// <summary>The registered kinds.</summary>
    public static IReadOnlyList<CheckKind> All { get; } =
    [
        UserCheck.Definition,
        FileCheck.Definition,
        CommandCheck.Definition,
        ImageKind.Definition,
        EnvCheck.Definition,
        AgentKind.Definition,
        ProxyHonouredCheck.Definition,
        ProbeConformanceCheck.Definition,
    ];
}
