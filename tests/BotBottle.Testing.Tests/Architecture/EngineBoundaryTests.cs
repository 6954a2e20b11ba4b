using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Architecture;

/// <summary>
/// The engine boundary: only <c>BotBottle.Testing.Engine</c> names a Docker.DotNet or Testcontainers type (in a signature
/// or in a method body), and the engine layer knows nothing of bottles. Read from the compiled assemblies.
/// </summary>
public sealed partial class ArchitectureTests
{
    private const string EngineNamespace = "BotBottle.Testing.Engine";

    /// <summary>
    /// The public interop surface, Testcontainers' types by design: a user hands in a Testcontainers container
    /// (<c>WithUpstream</c>) or builds one on the harness's engine (<c>GetTestcontainersEndpointAsync</c>). Their bodies hand
    /// the value straight to the engine layer; nothing else of the harness outside it may name such a type.
    /// </summary>
    private static readonly HashSet<string> Interop = new(StringComparer.Ordinal)
    {
        "BotBottle.Testing.BottleBuilder.WithUpstream",
        "BotBottle.Testing.Docker.DockerBackend.GetTestcontainersEndpointAsync",
    };

    [Fact]
    public void Only_the_engine_layer_names_a_Docker_DotNet_or_Testcontainers_type()
    {
        var uses = EngineClientUses(Core);
        var outside = uses.Where(u => u.Namespace != EngineNamespace && !Interop.Contains(u.Member)).ToList();

        Assert.True(outside.Count == 0, "engine client types outside Engine/:" + Environment.NewLine + string.Join(Environment.NewLine, outside
            .GroupBy(u => u.Member).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"  {g.Key}: {string.Join(", ", g.Select(u => u.Foreign).Distinct().Order(StringComparer.Ordinal))}")));
    }

    [Fact]
    public void The_boundary_scan_sees_the_engine_layers_own_uses_in_signatures_and_bodies()
    {
        // The control: the scanner finds what is there, so the test above cannot pass by seeing nothing.
        var engine = EngineClientUses(Core).Where(u => u.Namespace == EngineNamespace).ToList();

        // A signature (the client property), a method body (the sweeper's list call in its async state machine), Testcontainers too.
        Assert.Contains(engine, u => u.Member == EngineNamespace + ".DockerEngine.get_Client" && u.Foreign == "Docker.DotNet.IDockerClient");
        Assert.Contains(engine, u => u.Member == EngineNamespace + ".EngineSweeper.ListAsync" && u.Foreign == "Docker.DotNet.Models.ContainersListParameters");
        Assert.Contains(engine, u => u.Member.StartsWith(EngineNamespace + ".EngineNetwork.", StringComparison.Ordinal) && u.Foreign.StartsWith("DotNet.Testcontainers.", StringComparison.Ordinal));

        // The interop surface is found too (and allowed only by name).
        Assert.Contains(EngineClientUses(Core), u => u.Member == "BotBottle.Testing.BottleBuilder.WithUpstream" && u.Foreign == "DotNet.Testcontainers.Containers.IContainer");

        // Every engine client type the assembly's metadata references is one the scan attributes to some member.
        var seen = EngineClientUses(Core).Select(u => u.Foreign).ToHashSet(StringComparer.Ordinal);
        var referenced = ForeignTypeReferences(Core.Location);
        Assert.NotEmpty(referenced);
        var unseen = referenced.Where(r => !seen.Contains(r)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unseen.Count == 0, "referenced in the metadata but not found by the scan: " + string.Join(", ", unseen));
    }

    [Fact]
    public void No_other_library_of_the_harness_references_the_engine_clients()
    {
        var libraries = new[] { typeof(BotBottle.Testing.Xunit.BottleFixture).Assembly.Location, Path.Combine(AppContext.BaseDirectory, "BotBottle.Testing.MSBuild.dll"), Path.Combine(AppContext.BaseDirectory, "botbottle-pty-bridge.dll"), RepositoryLayout.CliDll }
            .Concat(Directory.Exists(Path.Combine(RepositoryLayout.Root, "src", "BotBottle.Testing.Xunit2", "bin", RepositoryLayout.Configuration))
                ? Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "src", "BotBottle.Testing.Xunit2", "bin", RepositoryLayout.Configuration), "BotBottle.Testing.Xunit2.dll", SearchOption.AllDirectories)
                : []);
        foreach (var path in libraries)
        {
            Assert.True(File.Exists(path), $"{path} is not built");
            using var reader = new PEReader(File.OpenRead(path));
            var metadata = reader.GetMetadataReader();
            var references = metadata.AssemblyReferences.Select(r => metadata.GetString(metadata.GetAssemblyReference(r).Name)).ToList();
            Assert.Contains(references, r => r.StartsWith("BotBottle.Testing", StringComparison.Ordinal) || r == "Microsoft.Build.Framework" || r == "System.Runtime" || r == "netstandard" || r == "mscorlib");
            Assert.Empty(references.Where(IsEngineClientAssembly).Select(r => Path.GetFileName(path) + " → " + r));
        }
    }

    [Fact]
    public void The_engine_layer_depends_on_no_domain_namespace_and_processes_not_on_bottles()
    {
        var edges = NamespaceEdges(Core);
        var engine = edges.TryGetValue(EngineNamespace, out var e) ? e : [];
        var processes = edges.TryGetValue("BotBottle.Testing.Processes", out var p) ? p : [];

        // What the engine layer may use: the process plumbing (one-time connection, deadlines, the exec result), log masking and embedded scripts.
        Assert.Empty(engine.Where(n => n is not ("BotBottle.Testing.Processes" or "BotBottle.Testing.Diagnostics" or "BotBottle.Testing.Resources")).Order(StringComparer.Ordinal));
        Assert.Empty(processes.Where(n => n is not "BotBottle.Testing.Diagnostics").Order(StringComparer.Ordinal));

        // The control: the same scan sees the domain's use of the engine layer.
        Assert.Contains(EngineNamespace, edges["BotBottle.Testing.Docker"]);
    }

    private static bool IsEngineClientAssembly(string name) =>
        name.StartsWith("Docker.DotNet", StringComparison.Ordinal) || name == "Testcontainers" || name.StartsWith("Testcontainers.", StringComparison.Ordinal);

    private static bool IsEngineClient(Type type) =>
        IsEngineClientAssembly(type.Assembly.GetName().Name ?? "")
        || (type.Namespace ?? "").StartsWith("Docker.DotNet", StringComparison.Ordinal)
        || (type.Namespace ?? "").StartsWith("DotNet.Testcontainers", StringComparison.Ordinal);

    /// <summary>A harness member (by its source name: a lambda's or state machine's is its method's) that names an engine client type.</summary>
    private sealed record ClientUse(string Namespace, string Member, string Foreign);

    /// <summary>
    /// Every use of a Docker.DotNet or Testcontainers type by the harness's own types: base types and interfaces, fields,
    /// properties, method signatures, locals and catch clauses, and every type, method and field a method body refers to (with the
    /// called member's declaring type, return and parameter types); each attributed to the member whose source wrote it.
    /// </summary>
    private static List<ClientUse> EngineClientUses(Assembly assembly)
    {
        var uses = new List<ClientUse>();
        foreach (var type in assembly.GetTypes())
        {
            if (NamespaceOfAny(type) is not { } ns)
            {
                continue;
            }

            void Use(string member, Type? t, HashSet<Type> seen)
            {
                if (t is null || !seen.Add(t))
                {
                    return;
                }

                if (IsEngineClient(t))
                {
                    uses.Add(new ClientUse(ns, member, (t.IsGenericType ? t.GetGenericTypeDefinition() : t).FullName?.Split('`')[0] ?? t.Name));
                }

                if (t.HasElementType)
                {
                    Use(member, t.GetElementType(), seen);
                }

                if (t.IsGenericType)
                {
                    foreach (var argument in t.GetGenericArguments())
                    {
                        Use(member, argument, seen);
                    }
                }
            }

            var typeMember = SourceName(type, null);
            Use(typeMember, type.BaseType, []);
            foreach (var i in type.GetInterfaces())
            {
                Use(typeMember, i, []);
            }

            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var field in type.GetFields(all))
            {
                Use(SourceName(type, field.Name), field.FieldType, []);
            }

            foreach (var property in type.GetProperties(all))
            {
                Use(SourceName(type, property.Name), property.PropertyType, []);
            }

            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                var member = SourceName(type, method.Name);
                var seen = new HashSet<Type>();
                if (method is MethodInfo info)
                {
                    Use(member, info.ReturnType, seen);
                }

                foreach (var parameter in method.GetParameters())
                {
                    Use(member, parameter.ParameterType, seen);
                }

                foreach (var local in LocalTypes(method))
                {
                    Use(member, local, seen);
                }

                foreach (var used in BodyMembers(method))
                {
                    Use(member, used as Type ?? used.DeclaringType, seen);
                    switch (used)
                    {
                        case MethodInfo called:
                            Use(member, called.ReturnType, seen);
                            foreach (var parameter in called.GetParameters())
                            {
                                Use(member, parameter.ParameterType, seen);
                            }

                            break;
                        case ConstructorInfo constructor:
                            foreach (var parameter in constructor.GetParameters())
                            {
                                Use(member, parameter.ParameterType, seen);
                            }

                            break;
                        case FieldInfo field:
                            Use(member, field.FieldType, seen);
                            break;
                    }
                }
            }
        }

        return uses;
    }

    /// <summary>The types of a method body's locals and of its catch clauses.</summary>
    private static List<Type> LocalTypes(MethodBase method)
    {
        try
        {
            return method.GetMethodBody() is { } body
                ? [.. body.LocalVariables.Select(l => l.LocalType), .. body.ExceptionHandlingClauses.Where(c => c.Flags == ExceptionHandlingClauseOptions.Clause).Select(c => c.CatchType!)]
                : [];
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or TypeLoadException)
        {
            return [];
        }
    }

    /// <summary>Like <see cref="NamespaceOf"/>, but compiler-generated types (lambdas' closures, state machines) count as their outermost type's.</summary>
    private static string? NamespaceOfAny(Type type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type.Assembly == Core && type.Namespace is { } ns && ns.StartsWith("BotBottle.Testing", StringComparison.Ordinal) ? ns : null;
    }

    /// <summary>
    /// "Namespace.Type.Member" as the source names it: a state machine <c>&lt;RunAsync&gt;d__3</c>, a lambda
    /// <c>&lt;RunAsync&gt;b__3_0</c> or a local function <c>&lt;RunAsync&gt;g__Local|3_0</c> belong to RunAsync of the outermost type.
    /// </summary>
    private static string SourceName(Type type, string? member)
    {
        string? origin = member is null ? null : Origin(member) ?? member;
        while (type.DeclaringType is not null)
        {
            if (type.GetCustomAttribute<CompilerGeneratedAttribute>() is not null || type.Name.StartsWith('<'))
            {
                origin = Origin(type.Name) ?? origin;
            }
            else
            {
                origin = type.Name + (origin is null ? "" : "." + origin);
            }

            type = type.DeclaringType;
        }

        return type.FullName + (origin is null ? "" : "." + origin);
    }

    private static string? Origin(string name) => GeneratedName().Match(name) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The full names of the Docker.DotNet and Testcontainers types the assembly's metadata references.</summary>
    private static HashSet<string> ForeignTypeReferences(string path)
    {
        using var reader = new PEReader(File.OpenRead(path));
        var metadata = reader.GetMetadataReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.TypeReferences)
        {
            var reference = metadata.GetTypeReference(handle);
            var scope = reference.ResolutionScope;
            var outer = reference;
            while (scope.Kind == HandleKind.TypeReference)
            {
                outer = metadata.GetTypeReference((TypeReferenceHandle)scope);
                scope = outer.ResolutionScope;
            }

            if (scope.Kind != HandleKind.AssemblyReference || !IsEngineClientAssembly(metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)scope).Name)))
            {
                continue;
            }

            var ns = metadata.GetString(reference.Namespace);
            var name = metadata.GetString(reference.Name).Split('`')[0];
            names.Add(ns.Length > 0 ? ns + "." + name : metadata.GetString(outer.Namespace) + "." + metadata.GetString(outer.Name).Split('`')[0] + "+" + name);
        }

        return names;
    }

    [GeneratedRegex(@"^<([^>]+)>")]
    private static partial Regex GeneratedName();
}
