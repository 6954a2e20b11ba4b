using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Architecture;

/// <summary>
/// The shape of the core package, read from the compiled assembly: namespaces that depend on each other only one
/// way, and a public surface that is what users write (small, documented, and shown in the README).
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly Assembly Core = typeof(BottleBuilder).Assembly;

    [Fact]
    public void No_two_namespaces_depend_on_each_other()
    {
        var edges = NamespaceEdges(Core);
        var cycles = StronglyConnected(edges).Where(c => c.Count > 1).ToList();

        Assert.True(cycles.Count == 0, "namespace cycles: " + string.Join("; ", cycles.Select(c =>
            string.Join(" ⇄ ", c) + " (" + string.Join(", ", edges.Where(e => c.Contains(e.Key)).SelectMany(e => e.Value.Where(c.Contains).Select(to => Short(e.Key) + "→" + Short(to)))) + ")")));
    }

    [Fact]
    public void The_core_package_shows_at_most_60_public_types_each_documented_and_shown_in_the_readme()
    {
        var types = Core.GetExportedTypes().Where(t => !t.IsNested).ToList();
        var docs = XDocument.Load(Path.ChangeExtension(Core.Location, ".xml"));
        var documented = docs.Descendants("member").Select(m => (string?)m.Attribute("name")).Where(n => n is not null && n.StartsWith("T:", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var readme = string.Concat(CodeBlock().Matches(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md"))).Select(m => m.Value));

        Assert.True(types.Count <= 60, $"{types.Count} public types: {string.Join(", ", types.Select(t => t.Name).Order(StringComparer.Ordinal))}");
        Assert.Empty(types.Where(t => !documented.Contains("T:" + t.FullName)).Select(t => t.FullName));
        Assert.Empty(types.Where(t => !Regex.IsMatch(readme, $@"\b{Regex.Escape(t.Name.Split('`')[0])}\b")).Select(t => t.Name + " (no README example)"));
    }

    [Fact]
    public void Every_public_type_of_the_libraries_is_declared_in_their_tracked_public_api()
    {
        // The build fails on an undeclared public symbol (PublicApiAnalyzers, RS0016); this checks the tracking is wired
        // to each library a user compiles against, and that what is declared is what the assemblies export.
        foreach (var assembly in (Assembly[])[Core, typeof(BotBottle.Testing.Xunit.BottleFixture).Assembly])
        {
            var name = assembly.GetName().Name!;
            var folder = Path.Combine(RepositoryLayout.Root, "src", name);
            var declared = File.ReadAllLines(Path.Combine(folder, "PublicAPI.Shipped.txt")).Concat(File.ReadAllLines(Path.Combine(folder, "PublicAPI.Unshipped.txt")))
                .Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
            var types = assembly.GetExportedTypes().Select(t => (t.FullName ?? t.Name).Replace('+', '.')).Select(n => n.Split('`')[0]);

            var undeclared = types.Where(t => !declared.Any(d => d == t || d.StartsWith(t + " ", StringComparison.Ordinal) || d.StartsWith(t + "<", StringComparison.Ordinal) || d.StartsWith(t + ".", StringComparison.Ordinal))).ToList();
            Assert.True(undeclared.Count == 0, $"{name}: undeclared public types: {string.Join(", ", undeclared)}");
            Assert.Contains("PublicApiAnalyzers", File.ReadAllText(Path.Combine(RepositoryLayout.Root, "Directory.Build.targets")), StringComparison.Ordinal);
            Assert.Contains("<BotBottleTrackPublicApi>true</BotBottleTrackPublicApi>", File.ReadAllText(Path.Combine(folder, name + ".csproj")), StringComparison.Ordinal);
        }
    }

    private static string Short(string ns) => ns == "BotBottle.Testing" ? "(root)" : ns["BotBottle.Testing.".Length..];

    /// <summary>Which of the assembly's namespaces each of its namespaces uses: signatures, base types and every token in every method body.</summary>
    private static Dictionary<string, HashSet<string>> NamespaceEdges(Assembly assembly)
    {
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from is null)
            {
                continue;
            }

            var used = new HashSet<Type>();
            void Use(Type? t)
            {
                if (t is null || !used.Add(t))
                {
                    return;
                }

                if (t.HasElementType)
                {
                    Use(t.GetElementType());
                }

                if (t.IsGenericType)
                {
                    foreach (var argument in t.GetGenericArguments())
                    {
                        Use(argument);
                    }
                }
            }

            Use(type.BaseType);
            foreach (var i in type.GetInterfaces())
            {
                Use(i);
            }

            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var field in type.GetFields(all))
            {
                Use(field.FieldType);
            }

            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method is MethodInfo info)
                {
                    Use(info.ReturnType);
                }

                foreach (var parameter in method.GetParameters())
                {
                    Use(parameter.ParameterType);
                }

                foreach (var member in BodyMembers(method))
                {
                    Use(member as Type ?? member.DeclaringType);
                    if (member is MethodInfo called)
                    {
                        Use(called.ReturnType);
                    }
                }
            }

            foreach (var to in used.Select(NamespaceOf).OfType<string>().Where(n => n != from))
            {
                (edges.TryGetValue(from, out var set) ? set : edges[from] = new(StringComparer.Ordinal)).Add(to);
            }
        }

        return edges;
    }

    /// <summary>The namespace a type belongs to (a nested or compiler-generated type belongs to its outermost declaring type's), or null when it is not the harness's.</summary>
    private static string? NamespaceOf(Type type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type.Assembly == Core && type.Namespace is { } ns && ns.StartsWith("BotBottle.Testing", StringComparison.Ordinal) && type.GetCustomAttribute<CompilerGeneratedAttribute>() is null
            ? ns
            : null;
    }

    /// <summary>Every type, method or field a method body refers to (read from its IL).</summary>
    private static IEnumerable<MemberInfo> BodyMembers(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            il = null;
        }

        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var opcode = il[i] == 0xFE ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += il[i] == 0xFE ? 2 : 1;
            var size = OperandSize(opcode, il, i);
            if (opcode.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                MemberInfo? member = null;
                try
                {
                    member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments);
                }
                catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException)
                {
                }

                if (member is not null)
                {
                    yield return member;
                }
            }

            i += size;
        }
    }

    private static int OperandSize(OpCode opcode, byte[] il, int at) => opcode.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };

    private static readonly OpCode[] OneByte = new OpCode[256];
    private static readonly OpCode[] TwoByte = new OpCode[256];

#pragma warning disable CA1810 // The opcode tables are filled once from OpCodes' own fields.
    static ArchitectureTests()
#pragma warning restore CA1810
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var opcode = (OpCode)field.GetValue(null)!;
            var value = (ushort)opcode.Value;
            if (opcode.Size == 1)
            {
                OneByte[value] = opcode;
            }
            else
            {
                TwoByte[value & 0xFF] = opcode;
            }
        }
    }

    /// <summary>Tarjan's strongly connected components over the namespace graph.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, HashSet<string>> edges)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<List<string>>();
        var counter = 0;

        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in edges.TryGetValue(v, out var next) ? next : [])
            {
                if (!index.TryGetValue(w, out var seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w2;
                do
                {
                    w2 = stack.Pop();
                    onStack.Remove(w2);
                    component.Add(w2);
                }
                while (w2 != v);
                components.Add(component);
            }
        }

        foreach (var v in edges.Keys.Concat(edges.Values.SelectMany(x => x)).Distinct(StringComparer.Ordinal).ToList())
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return components;
    }

    [GeneratedRegex("```csharp.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
