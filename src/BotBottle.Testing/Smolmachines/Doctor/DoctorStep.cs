namespace BotBottle.Testing.Smolmachines.Doctor;

/// <summary>How a doctor step ended.</summary>
internal enum DoctorOutcome
{
    /// <summary>The step did what it checks.</summary>
    Pass,

    /// <summary>The step failed; <see cref="DoctorStep.Detail"/> says how.</summary>
    Fail,

    /// <summary>An earlier step failed, so this one could not run.</summary>
    Skipped,
}

/// <summary>One step of <c>botbottle doctor</c>: its name, outcome, what it found, and how long it took.</summary>
internal sealed record DoctorStep(string Name, DoctorOutcome Outcome, string Detail, TimeSpan Duration)
{
    /// <summary>The step as the doctor prints it: <c>pass|FAIL|skip</c>, the name, what it found, tab-separated.</summary>
    public string Line => $"{Outcome switch { DoctorOutcome.Pass => "pass", DoctorOutcome.Fail => "FAIL", _ => "skip" }}\t{Name}\t{Detail.ReplaceLineEndings(" ")}";
}
