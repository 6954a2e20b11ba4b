using System;
using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using BotBottle.Testing.MSBuild.Checks;

namespace BotBottle.Testing.MSBuild.Reports;

/// <summary>
/// The botbottle CLI's JSON contract, as the tasks read it (<see cref="ReportSchema.Version"/>, the CLI's own source):
/// the report of a run, and the prerequisites; a result's verdict and code are the check model's
/// <see cref="Checks.Verdict"/> and <see cref="CheckCode"/>. Read with the serializer both MSBuild runtimes carry (net472 and net8.0), so no JSON library
/// of the task's own can clash with the host's.
/// </summary>
internal static class ReportContract
{
    /// <summary>The contract major version the tasks understand.</summary>
    public const int SchemaVersion = ReportSchema.Version;

    public static T Read<T>(string path)
    {
        using var stream = File.OpenRead(path);
        return Read<T>(stream);
    }

    public static T Read<T>(Stream stream)
    {
        var serializer = new DataContractJsonSerializer(typeof(T), new DataContractJsonSerializerSettings { UseSimpleDictionaryFormat = true });
        var value = (T)serializer.ReadObject(stream)!;
        var version = value is RunReport r ? r.SchemaVersion : value is PrerequisitesReport p ? p.SchemaVersion : SchemaVersion;
        if (version != SchemaVersion)
        {
            throw new InvalidDataException($"the botbottle CLI wrote schema version {version}; these tasks read version {SchemaVersion} (restore matching BotBottle.Testing packages)");
        }

        foreach (var result in (value as RunReport)?.Backends.SelectMany(b => b.Results) ?? [])
        {
            try
            {
                _ = result.Verdict;
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"the result of '{result.Id}': {e.Message}", e);
            }
        }

        return value;
    }
}

#pragma warning disable CA1812, CA1819 // Instantiated and filled by the serializer.

[DataContract]
internal sealed class RunReport
{
    [DataMember(Name = "schemaVersion")] public int SchemaVersion { get; set; }

    /// <summary>conforms, failed, nothing-ran or invalid-spec.</summary>
    [DataMember(Name = "outcome")] public string Outcome { get; set; } = "";

    [DataMember(Name = "totals")] public Totals Totals { get; set; } = new();

    [DataMember(Name = "specErrors")] public List<SpecErrorEntry> SpecErrors { get; set; } = [];

    [DataMember(Name = "backends")] public List<BackendEntry> Backends { get; set; } = [];
}

[DataContract]
internal sealed class Totals
{
    [DataMember(Name = "passed")] public int Passed { get; set; }

    [DataMember(Name = "failed")] public int Failed { get; set; }

    [DataMember(Name = "skipped")] public int Skipped { get; set; }
}

[DataContract]
internal sealed class SpecErrorEntry
{
    [DataMember(Name = "file")] public string File { get; set; } = "";

    [DataMember(Name = "line")] public int Line { get; set; }

    [DataMember(Name = "column")] public int Column { get; set; }

    [DataMember(Name = "message")] public string Message { get; set; } = "";
}

[DataContract]
internal sealed class BackendEntry
{
    [DataMember(Name = "backend")] public string Backend { get; set; } = "";

    [DataMember(Name = "label")] public string Label { get; set; } = "";

    [DataMember(Name = "skipped")] public string? Skipped { get; set; }

    [DataMember(Name = "results")] public List<ResultEntry> Results { get; set; } = [];
}

[DataContract]
internal sealed class ResultEntry
{
    [DataMember(Name = "id")] public string Id { get; set; } = "";

    [DataMember(Name = "kind")] public string Kind { get; set; } = "";

    [DataMember(Name = "code")] public string CodeText { get; set; } = "";

    [DataMember(Name = "verdict")] public string VerdictText { get; set; } = "";

    [DataMember(Name = "message")] public string Message { get; set; } = "";

    [DataMember(Name = "hint")] public string? Hint { get; set; }

    [DataMember(Name = "evidence")] public string Evidence { get; set; } = "";

    /// <summary>The check's stable code (the default, no code, when the report gives none).</summary>
    public CheckCode Code => CheckCode.TryParse(CodeText, out var code) ? code : default;

    /// <summary>How the check ended.</summary>
    public Verdict Verdict => ReportSchema.ParseVerdict(VerdictText);

    public bool Failed => Verdict is Verdict.Failed or Verdict.Inconclusive;
}

[DataContract]
internal sealed class PrerequisitesReport
{
    [DataMember(Name = "schemaVersion")] public int SchemaVersion { get; set; }

    [DataMember(Name = "backends")] public List<BackendAvailability> Backends { get; set; } = [];
}

[DataContract]
internal sealed class BackendAvailability
{
    [DataMember(Name = "name")] public string Name { get; set; } = "";

    [DataMember(Name = "available")] public bool Available { get; set; }

    [DataMember(Name = "reason")] public string Reason { get; set; } = "";

    [DataMember(Name = "notes", IsRequired = false)] public List<string>? Notes { get; set; }
}
