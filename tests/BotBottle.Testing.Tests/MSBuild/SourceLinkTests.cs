using System.IO.Compression;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>
/// SourceLink: packed from a checkout whose origin is the public repository, the symbol package's PDB maps
/// every source file to that commit on raw.githubusercontent.com. (A checkout whose origin is a local path,
/// as in a clone of a clone, has nothing to map to, so the test clones HEAD and points origin at GitHub.)
/// </summary>
public sealed partial class SourceLinkTests
{
    [GeneratedRegex("""\{"documents":\{"(?<root>[^"]+)":"(?<url>[^"]+)"\}\}""")]
    private static partial Regex DocumentMap();

    [Fact]
    public async Task The_symbol_package_maps_sources_to_the_commit_on_github()
    {
        var ct = TestContext.Current.CancellationToken;
        if (!Directory.Exists(Path.Combine(RepositoryLayout.Root, ".git")))
        {
            Assert.Skip("the repository is not a git checkout, so there is no commit to link sources to");
        }

        var work = Directory.CreateTempSubdirectory("bbt-sourcelink-");
        try
        {
            var checkout = Path.Combine(work.FullName, "repo");
            await Cli.Wrap("git").WithArguments(["clone", "--quiet", RepositoryLayout.Root, checkout]).ExecuteBufferedAsync(ct);
            await Cli.Wrap("git").WithArguments(["-C", checkout, "remote", "set-url", "origin", "https://github.com/botbottle/BotBottle.Testing"]).ExecuteBufferedAsync(ct);
            var head = (await Cli.Wrap("git").WithArguments(["-C", checkout, "rev-parse", "HEAD"]).ExecuteBufferedAsync(ct)).StandardOutput.Trim();

            var pack = await DotnetRun.RunAsync(checkout, ["pack", "src/BotBottle.Testing", "-c", "Release", "-o", Path.Combine(work.FullName, "out")], "sourcelink-pack", ct);

            DotnetRun.KeepBinlogWhenFailing(pack, () =>
            {
                Assert.Equal(0, pack.ExitCode);
                using var symbols = ZipFile.OpenRead(Directory.GetFiles(Path.Combine(work.FullName, "out"), "*.snupkg").Single());
                using var pdb = new MemoryStream();
                symbols.Entries.Single(e => e.FullName == "lib/net8.0/BotBottle.Testing.pdb").Open().CopyTo(pdb);
                var map = DocumentMap().Match(System.Text.Encoding.UTF8.GetString(pdb.ToArray()));
                Assert.True(map.Success, "the PDB has no SourceLink document map");
                Assert.Equal($"https://raw.githubusercontent.com/botbottle/BotBottle.Testing/{head}/*", map.Groups["url"].Value);
            });
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
