namespace BotBottle.Testing.Resources;

/// <summary>The text files the library embeds (guest scripts, the built-in spec), by their logical name in the csproj.</summary>
internal static class EmbeddedText
{
    /// <summary>The embedded file <paramref name="logicalName"/> as UTF-8 text; throws when the build did not embed it.</summary>
    public static string Read(string logicalName)
    {
        using var stream = typeof(EmbeddedText).Assembly.GetManifestResourceStream(logicalName)
            ?? throw new InvalidOperationException($"{logicalName} is not embedded in the assembly");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
