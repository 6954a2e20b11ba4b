namespace BotBottle.Testing.Probes;

public sealed partial record CatalogueOptions
{
    /// <summary>
    /// A bundle daemon that must listen on the bundle's 127.0.0.1 only: the catalogue's <c>bypass-{Name}-port</c> check
    /// dials it from the agent (it must be blocked) and from the bundle's own loopback (the control).
    /// </summary>
    /// <param name="Name">The daemon's name: letters, digits and '-' (it is part of the check's and its steps' ids).</param>
    /// <param name="Port">Its TCP port on the bundle's loopback.</param>
    /// <param name="Code">
    /// The check's diagnostic code, stable whatever else the bundle declares: the reference daemons' own
    /// (<c>egress</c> <c>BBT0102</c>, <c>supervise</c> <c>BBT0103</c>), or one of <c>BBT0180</c>–<c>BBT0198</c>, kept for
    /// your own daemons (each once).
    /// </param>
    public sealed record LoopbackDaemon(string Name, int Port, string Code)
    {
        /// <summary>The id of the daemon's bypass check: <c>bypass-{Name}-port</c>.</summary>
        public string CheckId => $"bypass-{Name}-port";

        /// <summary>
        /// A daemon as a command line or an MSBuild item writes it, <c>NAME:PORT:CODE</c> (e.g. <c>metrics:9200:BBT0180</c>),
        /// held to the same rules as a spec's <c>{ daemon, port, code }</c>; anything else is a <see cref="FormatException"/>
        /// that says what is wrong.
        /// </summary>
        public static LoopbackDaemon Parse(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            var parts = text.Split(':');
            if (parts.Length != 3 || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port))
            {
                throw new FormatException($"a loopback daemon is NAME:PORT:CODE (e.g. metrics:9200:BBT0180), not '{text}'");
            }

            var daemon = new LoopbackDaemon(parts[0], port, parts[2]);
            return IsolationCatalogue.DaemonProblem(daemon) is { } problem ? throw new FormatException(problem) : daemon;
        }
    }
}
