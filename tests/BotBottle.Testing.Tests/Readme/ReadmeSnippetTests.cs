using System.Text.RegularExpressions;
using BotBottle.Testing.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BotBottle.Testing.Tests.Readme;

/// <summary>
/// Every C# block of the README compiles as a user would paste it: alone, against the built assemblies (the
/// packages' own and their dependencies: Testcontainers, xunit.v3, logging), with the usings the block shows
/// plus only the implicit usings of an SDK test project with xunit.v3 (System, System.IO, System.Linq,
/// System.Collections.Generic, System.Net.Http, System.Threading, System.Threading.Tasks, Xunit).
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Xunit;
        """;

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();

    public static TheoryData<int, string> Blocks()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var data = new TheoryData<int, string>();
        var blocks = CSharpBlock().Matches(readme);
        for (var i = 0; i < blocks.Count; i++)
        {
            var line = readme[..blocks[i].Index].Count(c => c == '\n') + 2;
            data.Add(line, blocks[i].Groups[1].Value);
        }

        return data;
    }

    [Fact]
    public void The_readme_has_csharp_blocks_to_compile() => Assert.True(Blocks().Count >= 8, $"{Blocks().Count} C# blocks");

    [Theory]
    [MemberData(nameof(Blocks))]
    public void The_csharp_block_compiles_alone_with_only_its_own_usings(int line, string code)
    {
        var ct = TestContext.Current.CancellationToken;
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText(code, options, path: $"README.md:{line}", cancellationToken: ct);
        var topLevel = tree.GetRoot(ct).DescendantNodes().OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "ReadmeBlock" + line,
            [tree, CSharpSyntaxTree.ParseText(ImplicitUsings, options, cancellationToken: ct)],
            References.Value,
            new CSharpCompilationOptions(topLevel ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics(ct).Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"README.md line {line + d.Location.GetLineSpan().StartLinePosition.Line}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>The runtime's own assemblies and every managed assembly beside the tests (the packages and what they depend on).</summary>
    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var beside = Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Where(f => !Path.GetFileName(f).StartsWith("BotBottle.Testing.Tests", StringComparison.Ordinal));
        return platform.Concat(beside).GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(g => g.First())
            .Where(IsManaged).Select(f => (MetadataReference)MetadataReference.CreateFromFile(f)).ToList();
    });

    private static bool IsManaged(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
