using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Probes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Testing.Conformance.Spec;

/// <summary>
/// Reads a YAML conformance spec. Every mistake is collected with its file, line and column (unknown
/// keys, wrong types, empty pattern lists, duplicate ids, needs that name no check) and thrown together
/// in one <see cref="ConformanceSpecException"/>.
/// </summary>
internal static class ConformanceSpecParser
{
    private static readonly string[] TopKeys = ["name", "agent", "launch", "users", "files", "commands", "image", "env", "proxy", "probes"];
    private static readonly string[] CommonKeys = ["id", "title", "needs", "hint"];

    /// <summary>Reads the spec at <paramref name="path"/>.</summary>
    public static ConformanceSpec Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses <paramref name="yaml"/>; <paramref name="file"/> names it in error locations.</summary>
    public static ConformanceSpec Parse(string yaml, string file = "spec.yaml")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var reader = new SpecReader(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConformanceSpecException([new SpecError(new SpecLocation(file, e.Start.Line, e.Start.Column), "not valid YAML: " + (e.InnerException?.Message ?? e.Message))]);
        }

        if (stream.Documents.Count != 1 || reader.Mapping(stream.Documents[0].RootNode, "the spec") is not { } root)
        {
            if (stream.Documents.Count != 1)
            {
                throw new ConformanceSpecException([new SpecError(new SpecLocation(file, 1, 1), $"a spec is one YAML document; this has {stream.Documents.Count}")]);
            }

            throw new ConformanceSpecException(reader.Errors);
        }

        var spec = new SpecBuilder(reader).Build(root, file);
        if (reader.Errors.Count > 0)
        {
            throw new ConformanceSpecException(reader.Errors);
        }

        return spec;
    }

    private sealed class SpecBuilder(SpecReader reader)
    {
        private readonly List<ConformanceCheck> _checks = [];
        private readonly Dictionary<string, IReadOnlyList<(string Id, YamlNode At)>> _pendingNeeds = new(StringComparer.Ordinal);

        public ConformanceSpec Build(YamlMappingNode root, string file)
        {
            var top = reader.Fields(root, "the spec", TopKeys, "name");
            var name = top.TryGetValue("name", out var n) ? reader.String(n, "name") : null;
            var agent = top.TryGetValue("agent", out var a) ? Agent(a) : new AgentSettings();
            var launchNeeds = new List<(string Id, YamlNode At)>();
            if (top.TryGetValue("launch", out var l) && reader.Mapping(l, "launch") is { } launch)
            {
                var fields = reader.Fields(launch, "launch", ["needs"], "needs");
                if (fields.TryGetValue("needs", out var needs))
                {
                    launchNeeds.AddRange(IdsAt(needs, "launch.needs"));
                }
            }

            Each(top, "users", "a user", ["name", "uid", "home", "shell", .. CommonKeys], User);
            Each(top, "files", "a file", ["path", "stage", "exists", "mode", "owner", "content", .. CommonKeys], File);
            Each(top, "commands", "a command", ["run", "user", "stage", "exit", "stdout", "stderr", "timeout", .. CommonKeys], Command);
            if (top.TryGetValue("image", out var image))
            {
                Image(image);
            }

            Each(top, "env", "an env entry", ["name", "present", "matches", .. CommonKeys], Env);
            if (a is not null)
            {
                AgentChecks(agent, a);
            }

            if (top.TryGetValue("proxy", out var p))
            {
                Proxy(p);
            }

            if (top.TryGetValue("probes", out var probes))
            {
                Probes(probes);
            }

            CheckReferences(launchNeeds);
            return new ConformanceSpec
            {
                Name = name ?? "unnamed",
                Source = file,
                Agent = agent,
                LaunchNeeds = launchNeeds.Select(x => x.Id).ToList(),
                Checks = _checks,
            };
        }

        private AgentSettings Agent(YamlNode node)
        {
            var settings = new AgentSettings();
            if (reader.Mapping(node, "agent") is not { } map)
            {
                return settings;
            }

            var f = reader.Fields(map, "agent", ["command", "workdir", "version", "bypass-flag", "refuses-as-root", "timeout"], "command");
            if (f.TryGetValue("command", out var command))
            {
                settings = settings with { Command = reader.Strings(command, "agent.command") is { Count: > 0 } c ? c : settings.Command };
            }

            if (f.TryGetValue("workdir", out var workdir))
            {
                settings = settings with { Workdir = reader.String(workdir, "agent.workdir") };
            }

            if (f.TryGetValue("version", out var version))
            {
                settings = settings with { Version = reader.Patterns(version, "agent.version") };
            }

            if (f.TryGetValue("bypass-flag", out var flag))
            {
                settings = settings with { BypassFlag = reader.String(flag, "agent.bypass-flag") };
            }

            if (f.TryGetValue("refuses-as-root", out var refusal))
            {
                settings = settings with { RefusalPatterns = reader.Patterns(refusal, "agent.refuses-as-root") };
            }

            if (f.ContainsKey("bypass-flag") != f.ContainsKey("refuses-as-root"))
            {
                reader.Error(map, "agent.bypass-flag and agent.refuses-as-root go together: the flag to try as root and what the refusal says");
            }

            if (f.TryGetValue("timeout", out var timeout) && reader.Duration(timeout, "agent.timeout") is { } t)
            {
                settings = settings with { Timeout = t };
            }

            return settings;
        }

        private void AgentChecks(AgentSettings agent, YamlNode at)
        {
            var location = reader.At(at);
            Add(new AgentPresentCheck { Id = "agent.present", Title = $"The agent command '{agent.Command[0]}' is on the agent user's PATH", Location = location }, at);
            if (agent.Version.Count > 0)
            {
                Add(new AgentVersionCheck { Id = "agent.version", Title = "The agent runs as the agent user, started the way a bottle starts it, and reports a matching version", Needs = ["agent.present"], Location = location }, at);
            }

            if (agent.BypassFlag is not null)
            {
                Add(new AgentRefusesBypassCheck { Id = "agent.refuses-bypass-as-root", Title = $"As root, the agent refuses {agent.BypassFlag}", Needs = ["agent.present"], Location = location }, at);
            }
        }

        private void Each(Dictionary<string, YamlNode> top, string key, string what, string[] allowed, Action<Dictionary<string, YamlNode>, YamlMappingNode> build)
        {
            if (!top.TryGetValue(key, out var section))
            {
                return;
            }

            foreach (var item in reader.Sequence(section, key))
            {
                if (reader.Mapping(item, what) is { } map)
                {
                    build(reader.Fields(map, what, allowed, RequiredFor(key)), map);
                }
            }
        }

        private static string[] RequiredFor(string section) => section switch
        {
            "users" => ["name"],
            "files" => ["path"],
            "commands" => ["id", "run"],
            "env" => ["name"],
            _ => [],
        };

        private void User(Dictionary<string, YamlNode> f, YamlMappingNode at)
        {
            if (!f.TryGetValue("name", out var n) || reader.String(n, "a user's name") is not { } name)
            {
                return;
            }

            Add(Common(f, at, new UserCheck
            {
                Id = "user." + name,
                Title = $"User {name} exists" + Describe(("uid", f.GetValueOrDefault("uid")), ("home", f.GetValueOrDefault("home")), ("shell", f.GetValueOrDefault("shell"))),
                Stage = ConformanceStage.Image,
                Name = name,
                Uid = f.TryGetValue("uid", out var uid) ? reader.Int(uid, "uid") : null,
                Home = f.TryGetValue("home", out var home) ? reader.String(home, "home") : null,
                Shell = f.TryGetValue("shell", out var shell) ? reader.String(shell, "shell") : null,
            }), at);
        }

        private void File(Dictionary<string, YamlNode> f, YamlMappingNode at)
        {
            if (!f.TryGetValue("path", out var p) || reader.String(p, "a file's path") is not { } path)
            {
                return;
            }

            var exists = !f.TryGetValue("exists", out var e) || reader.Bool(e, "exists") != false;
            Add(Common(f, at, new FileCheck
            {
                Id = "file." + path,
                Title = exists ? $"{path} exists" + Describe(("mode", f.GetValueOrDefault("mode")), ("owner", f.GetValueOrDefault("owner"))) : $"{path} does not exist",
                Stage = Stage(f, ConformanceStage.Image),
                Path = path,
                Exists = exists,
                Mode = f.TryGetValue("mode", out var mode) ? Mode(mode) : null,
                Owner = f.TryGetValue("owner", out var owner) ? reader.String(owner, "owner") : null,
                Content = f.TryGetValue("content", out var content) ? reader.Patterns(content, "content") : [],
            }), at);
        }

        private void Command(Dictionary<string, YamlNode> f, YamlMappingNode at)
        {
            if (!f.TryGetValue("id", out var i) || reader.String(i, "a command's id") is not { } id || !f.TryGetValue("run", out var r) || reader.String(r, "run") is not { } run)
            {
                return;
            }

            Add(Common(f, at, new CommandCheck
            {
                Id = "command." + id,
                Title = id,
                Stage = Stage(f, ConformanceStage.Bottle),
                Run = run,
                User = f.TryGetValue("user", out var user) ? reader.String(user, "user") ?? "node" : "node",
                ExitCode = f.TryGetValue("exit", out var exit) ? reader.Int(exit, "exit") ?? 0 : 0,
                Stdout = f.TryGetValue("stdout", out var stdout) ? reader.Patterns(stdout, "stdout") : [],
                Stderr = f.TryGetValue("stderr", out var stderr) ? reader.Patterns(stderr, "stderr") : [],
                Timeout = f.TryGetValue("timeout", out var timeout) ? reader.Duration(timeout, "timeout") ?? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(30),
            }), at);
        }

        private void Env(Dictionary<string, YamlNode> f, YamlMappingNode at)
        {
            if (!f.TryGetValue("name", out var n) || reader.String(n, "an env entry's name") is not { } name)
            {
                return;
            }

            bool? present = f.TryGetValue("present", out var p) ? reader.Bool(p, "present") : null;
            var matches = f.TryGetValue("matches", out var m) ? reader.Patterns(m, "matches") : [];
            if (present is null && !f.ContainsKey("matches"))
            {
                reader.Error(at, $"the env entry for {name} checks nothing: give 'present: true/false' or 'matches'");
            }

            if (present == false && matches.Count > 0)
            {
                reader.Error(at, $"the env entry for {name} says 'present: false' and gives patterns its value must match");
            }

            Add(Common(f, at, new EnvCheck
            {
                Id = "env." + name,
                Title = present == false ? $"{name} does not reach the agent" : $"{name} reaches the agent process" + (matches.Count > 0 ? " with a matching value" : ""),
                Name = name,
                Present = present,
                Matches = matches,
            }), at);
        }

        /// <summary>Checks read from the image through the engine, no image code run: <c>root-hooks</c> (directories a bottle's provisioning runs as root) and <c>secrets</c>.</summary>
        private void Image(YamlNode node)
        {
            if (reader.Mapping(node, "image") is not { } map)
            {
                return;
            }

            var f = reader.Fields(map, "image", ["root-hooks", "secrets"]);
            if (f.TryGetValue("root-hooks", out var hooks))
            {
                foreach (var item in reader.Sequence(hooks, "image.root-hooks"))
                {
                    if (reader.Mapping(item, "a root-hooks entry") is not { } entry)
                    {
                        continue;
                    }

                    var h = reader.Fields(entry, "a root-hooks entry", ["path", .. CommonKeys], "id", "path");
                    if (!h.TryGetValue("path", out var p) || reader.String(p, "a root-hooks path") is not { } path || !h.ContainsKey("id"))
                    {
                        continue;
                    }

                    if (!path.StartsWith('/'))
                    {
                        reader.Error(p, $"the root-hooks path '{path}' must be absolute");
                    }

                    Add(Common(h, entry, new RootHooksCheck { Id = "image", Title = $"{path} holds no hooks a bottle would run as root", Stage = ConformanceStage.Image, Path = path }), entry);
                }
            }

            if (f.TryGetValue("secrets", out var secrets) && reader.Mapping(secrets, "image.secrets") is { } s)
            {
                var fields = reader.Fields(s, "image.secrets", ["placeholders", .. CommonKeys]);
                var check = new ImageSecretsCheck { Id = "image.no-secrets", Title = "The image ships no credential in its ENV or on the agent's start path", Stage = ConformanceStage.Image };
                if (fields.TryGetValue("placeholders", out var placeholders))
                {
                    check = check with { Placeholders = reader.Strings(placeholders, "image.secrets.placeholders") };
                }

                Add(Common(fields, s, check), s);
            }
        }

        private void Proxy(YamlNode node)
        {
            if (reader.Mapping(node, "proxy") is not { } map)
            {
                return;
            }

            var f = reader.Fields(map, "proxy", ["honoured", "log", "timeout", .. CommonKeys], "honoured");
            if (!f.TryGetValue("honoured", out var h) || reader.Bool(h, "proxy.honoured") != true)
            {
                return;
            }

            var check = new ProxyHonouredCheck { Id = "proxy.honoured", Title = "The agent user's HTTPS requests go through the bundle proxy (HTTPS_PROXY honoured)" };
            if (f.TryGetValue("log", out var log) && reader.String(log, "proxy.log") is { } path)
            {
                check = check with { ProxyLog = path };
            }

            if (f.TryGetValue("timeout", out var t) && reader.Duration(t, "proxy.timeout") is { } timeout)
            {
                check = check with { Timeout = timeout };
            }

            Add(Common(f, map, check), map);
        }

        private void Probes(YamlNode node)
        {
            IReadOnlyList<(YamlNode Item, YamlNode At)> items;
            if (node is YamlScalarNode { Value: "all" })
            {
                items = [.. IsolationCatalogue.CheckIds.Select(id => ((YamlNode)new YamlScalarNode(id), node))];
            }
            else
            {
                items = [.. reader.Sequence(node, "probes (a list of catalogue ids and loopback daemons, or 'all')").Select(item => (item, item))];
                if (items.Count == 0 && node is YamlSequenceNode)
                {
                    reader.Error(node, "probes is an empty list, which checks nothing: name catalogue ids, write 'all', or leave the key out");
                }
            }

            var codes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (item, at) in items)
            {
                if (item is YamlMappingNode map)
                {
                    if (Daemon(map) is { } daemon)
                    {
                        if (!codes.Add(daemon.Code))
                        {
                            reader.Error(map, $"code {daemon.Code} is given to two loopback daemons; each takes its own");
                            continue;
                        }

                        Add(ProbeConformanceCheck.For(daemon, reader.At(map)), map);
                    }

                    continue;
                }

                if (reader.String(item, "a probe id") is not { } id)
                {
                    continue;
                }

                if (!IsolationCatalogue.CheckIds.Contains(id))
                {
                    reader.Error(at, $"unknown probe '{id}'; the catalogue has: {string.Join(", ", IsolationCatalogue.CheckIds)} (a daemon of your own: {{ daemon: NAME, port: PORT, code: BBT0180 }})");
                    continue;
                }

                Add(ProbeConformanceCheck.For(id, reader.At(at)), at);
            }
        }

        /// <summary>
        /// A loopback daemon of the bundle under test, <c>{ daemon: metrics, port: 9200, code: BBT0180 }</c>: its
        /// <c>bypass-metrics-port</c> check, with that code (one of BBT0180–BBT0198; egress and supervise keep their own).
        /// </summary>
        private CatalogueOptions.LoopbackDaemon? Daemon(YamlMappingNode map)
        {
            var f = reader.Fields(map, "a loopback daemon", ["daemon", "port", "code"], "daemon", "port", "code");
            if (!f.TryGetValue("daemon", out var n) || reader.String(n, "daemon") is not { } name
                || !f.TryGetValue("port", out var p) || reader.Int(p, "port") is not { } port
                || !f.TryGetValue("code", out var c) || reader.String(c, "code") is not { } code)
            {
                return null;
            }

            var daemon = new CatalogueOptions.LoopbackDaemon(name, port, code);
            if (IsolationCatalogue.DaemonProblem(daemon) is { } problem)
            {
                reader.Error(map, problem);
                return null;
            }

            return daemon;
        }

        private T Common<T>(Dictionary<string, YamlNode> f, YamlNode at, T check)
            where T : ConformanceCheck
        {
            check = check with { Location = reader.At(at) };
            if (f.TryGetValue("id", out var id) && check is not CommandCheck && reader.String(id, "id") is { } given)
            {
                check = check with { Id = check.Kind + "." + given };
            }

            if (f.TryGetValue("title", out var title) && reader.String(title, "title") is { } t)
            {
                check = check with { Title = t };
            }

            if (f.TryGetValue("hint", out var hint) && reader.String(hint, "hint") is { } h)
            {
                check = check with { Hint = h };
            }

            if (f.TryGetValue("needs", out var needs))
            {
                _pendingNeeds[check.Id] = IdsAt(needs, "needs");
                check = check with { Needs = _pendingNeeds[check.Id].Select(x => x.Id).ToList() };
            }

            return check;
        }

        private List<(string Id, YamlNode At)> IdsAt(YamlNode node, string what)
        {
            IReadOnlyList<YamlNode> items = node is YamlScalarNode ? [node] : reader.Sequence(node, what);
            return items.Select(item => (reader.String(item, $"each id of {what}"), item)).Where(x => x.Item1 is not null).Select(x => (x.Item1!, x.item)).ToList();
        }

        private void Add(ConformanceCheck check, YamlNode at)
        {
            if (_checks.Any(c => c.Id == check.Id))
            {
                reader.Error(at, $"the id '{check.Id}' is used twice; give one of them another 'id'");
                return;
            }

            _checks.Add(check);
        }

        private void CheckReferences(List<(string Id, YamlNode At)> launchNeeds)
        {
            var byId = _checks.ToDictionary(c => c.Id, StringComparer.Ordinal);
            foreach (var (id, at) in launchNeeds)
            {
                if (!byId.TryGetValue(id, out var needed))
                {
                    reader.Error(at, $"launch needs '{id}', which no check of the spec has; ids: {string.Join(", ", byId.Keys)}");
                }
                else if (needed.Stage != ConformanceStage.Image)
                {
                    reader.Error(at, $"launch needs '{id}', which runs in the bottle; the launch can only need image checks");
                }
            }

            foreach (var (checkId, needs) in _pendingNeeds)
            {
                var stage = byId[checkId].Stage;
                foreach (var (id, at) in needs)
                {
                    if (id != ConformanceSpec.LaunchCheckId && !byId.ContainsKey(id))
                    {
                        reader.Error(at, $"'{checkId}' needs '{id}', which no check of the spec has");
                    }
                    else if (stage == ConformanceStage.Image && (id == ConformanceSpec.LaunchCheckId || byId[id].Stage == ConformanceStage.Bottle))
                    {
                        reader.Error(at, $"'{checkId}' runs on the image as shipped and cannot need '{id}', which runs in the bottle");
                    }
                    else if (id == checkId)
                    {
                        reader.Error(at, $"'{checkId}' needs itself");
                    }
                }
            }
        }

        private ConformanceStage Stage(Dictionary<string, YamlNode> f, ConformanceStage fallback)
        {
            if (!f.TryGetValue("stage", out var node))
            {
                return fallback;
            }

            switch ((node as YamlScalarNode)?.Value)
            {
                case "image": return ConformanceStage.Image;
                case "bottle": return ConformanceStage.Bottle;
                default:
                    reader.Error(node, "stage must be 'image' (the image as shipped) or 'bottle' (a launched bottle)");
                    return fallback;
            }
        }

        private string? Mode(YamlNode node)
        {
            var text = reader.String(node, "mode");
            if (text is not null && (text.Length is < 3 or > 4 || text.Any(ch => ch is < '0' or > '7')))
            {
                reader.Error(node, $"mode '{text}' must be octal permission bits such as \"0600\" or \"755\" (quote it, or YAML may read it as a number)");
                return null;
            }

            return text;
        }

        private static string Describe(params (string Key, YamlNode? Value)[] parts)
        {
            var given = parts.Where(p => p.Value is YamlScalarNode).Select(p => $"{p.Key} {((YamlScalarNode)p.Value!).Value}").ToList();
            return given.Count == 0 ? "" : " with " + string.Join(", ", given);
        }
    }
}
