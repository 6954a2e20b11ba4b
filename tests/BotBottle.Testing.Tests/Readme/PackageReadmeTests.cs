using System.Text.RegularExpressions;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Readme;

/// <summary>The library packages carry a README of their own, for the gallery: it names the package and every link is absolute.</summary>
public sealed partial class PackageReadmeTests
{
    [Theory]
    [InlineData("BotBottle.Testing")]
    [InlineData("BotBottle.Testing.Xunit")]
    [InlineData("BotBottle.Testing.Xunit2")]
    public void A_library_package_README_names_the_package_and_links_only_absolutely(string package)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "src", package, "README.md"));

        Assert.StartsWith("# " + package + "\n", readme, StringComparison.Ordinal);
        var links = Link().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.StartsWith("https://", l, StringComparison.Ordinal));
        Assert.Contains("net8.0", readme, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\]\(([^)]*)\)")]
    private static partial Regex Link();
}
