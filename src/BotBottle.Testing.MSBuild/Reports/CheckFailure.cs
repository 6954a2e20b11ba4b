namespace BotBottle.Testing.MSBuild.Reports;

/// <summary>A failed (or inconclusive) check read back from the CLI's JUnit report.</summary>
internal sealed class CheckFailure(string backend, string checkId, string code, string message, string detail)
{
    public string Backend { get; } = backend;

    public string CheckId { get; } = checkId;

    public string Code { get; } = code;

    public string Message { get; } = message;

    public string Detail { get; } = detail;
}
