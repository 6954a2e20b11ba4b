using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Build.Framework;

namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>An <see cref="IBuildEngine"/> that records what a task logs, for assertions.</summary>
public sealed class RecordingBuildEngine : IBuildEngine
{
    public ConcurrentQueue<BuildErrorEventArgs> Errors { get; } = new();

    public ConcurrentQueue<BuildWarningEventArgs> Warnings { get; } = new();

    public ConcurrentQueue<BuildMessageEventArgs> Messages { get; } = new();

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "recording.proj";

    public string Log => string.Join("\n", Messages.Select(m => m.Message).Concat(Warnings.Select(w => $"warning {w.Code}: {w.Message}")).Concat(Errors.Select(e => $"error {e.Code}: {e.Message}")));

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();

    public void LogCustomEvent(CustomBuildEventArgs e) { }

    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Enqueue(e);

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Enqueue(e);

    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Enqueue(e);
}
