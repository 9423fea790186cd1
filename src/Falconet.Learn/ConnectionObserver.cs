using System.Globalization;
using System.Net;
using Falconet.Fields;
using Falconet.Rules.Conditions;
using Falconet.State;

namespace Falconet.Learn;

/// <summary>
/// Collects the outbound connections of a run: events that match the loaded rules' <c>outbound</c> macro, grouped
/// by workload (as the scope names it), server address, port and observed name. Whether the loaded flagship rule
/// would have alerted is kept with each, so learning adds only what is not allowed yet and checking reports it.
/// Only matching events allocate (a key and, the first time, the record): learning is an offline tool, not the
/// detection path.
/// </summary>
internal sealed class ConnectionObserver
{
    private readonly CompiledCondition _outbound;
    private readonly CompiledCondition? _flagship;
    private readonly LearnScope _scope;
    private readonly Dictionary<string, ObservedDestination> _destinations = new(StringComparer.Ordinal);
    private readonly FieldExtractor _sip = Extractor("fd.sip");
    private readonly FieldExtractor _sport = Extractor("fd.sport");
    private readonly FieldExtractor _sipName = Extractor("fd.sip.name");
    private readonly FieldExtractor _procName = Extractor("proc.name");
    private readonly FieldExtractor _containerId = Extractor("container.id");
    private readonly FieldExtractor _containerName = Extractor("container.name");
    private readonly FieldExtractor _image = Extractor("container.image.repository");
    private readonly FieldExtractor _fdName = Extractor("fd.name");
    private readonly FieldExtractor _l4 = Extractor("fd.l4proto");

    public ConnectionObserver(CompiledCondition outbound, CompiledCondition? flagship, LearnScope scope)
    {
        _outbound = outbound;
        _flagship = flagship;
        _scope = scope;
    }

    public IReadOnlyCollection<ObservedDestination> Destinations => _destinations.Values;

    /// <summary>Outbound connections seen (events the macro matched).</summary>
    public long Connections { get; private set; }

    /// <summary>Outbound events without a server address (nothing to allow by).</summary>
    public long WithoutAddress { get; private set; }

    private static FieldExtractor Extractor(string name) =>
        FieldRegistry.Default.TryGet(name, out FieldDescriptor? field)
            ? field.CreateExtractor()
            : throw new InvalidOperationException($"field {name} is not registered");

    private static string? Text(FieldExtractor extractor, EventContext context)
    {
        FieldValue value = default;
        return extractor.TryExtract(context, ref value) && !string.IsNullOrEmpty(value.String) ? value.String : null;
    }

    /// <summary>Looks at one event the state let through to rules.</summary>
    public void Observe(EventContext context)
    {
        if (!_outbound.Evaluate(context))
        {
            return;
        }
        Connections++;
        FieldValue value = default;
        if (!_sip.TryExtract(context, ref value) || value.Ip is not IPAddress address)
        {
            WithoutAddress++;
            return;
        }
        value = default;
        int port = _sport.TryExtract(context, ref value) ? (int)value.Int : 0;
        string? name = Text(_sipName, context)?.TrimEnd('.').ToLowerInvariant();
        ScopeKey scope = ScopeOf(context);
        string key = string.Create(CultureInfo.InvariantCulture, $"{scope.Id}\u0002{address}\u0002{port}\u0002{name}");
        if (!_destinations.TryGetValue(key, out ObservedDestination? destination))
        {
            destination = new ObservedDestination(scope, address, port, name)
            {
                FirstNs = context.Event.Timestamp,
                Example = $"{Text(_procName, context) ?? "?"} {Text(_l4, context) ?? ""} {Text(_fdName, context) ?? ""}".Replace("  ", " ", StringComparison.Ordinal),
            };
            _destinations.Add(key, destination);
        }
        destination.Count++;
        // Per connection: an allowlist with per-process exceptions allows one process's connection and not another's.
        if (_flagship is null || _flagship.Evaluate(context))
        {
            destination.Alerting++;
        }
        destination.LastNs = context.Event.Timestamp;
        if (destination.Processes.Count < 16 && Text(_procName, context) is { } process)
        {
            destination.Processes.Add(process);
        }
        if (destination.Images.Count < 16 && Text(_image, context) is { } image)
        {
            destination.Images.Add(image);
        }
    }

    /// <summary>
    /// The workload as exception fields. A connection from outside any container has no image: it is named by
    /// <c>container.id = host</c>, so a host process's entry never allows a container's connection.
    /// </summary>
    private ScopeKey ScopeOf(EventContext context)
    {
        if (_scope == LearnScope.Host)
        {
            return ScopeKey.Everyone;
        }
        string? image = Text(_image, context);
        string containerId = Text(_containerId, context) ?? "host";
        (string Field, string Value) workload = _scope switch
        {
            LearnScope.Container => ("container.name", Text(_containerName, context) ?? containerId),
            _ when image is not null => ("container.image.repository", image),
            _ => ("container.id", containerId),
        };
        if (_scope != LearnScope.Process)
        {
            return Intern(new ScopeKey([workload.Field], [workload.Value]));
        }
        return Intern(new ScopeKey([workload.Field, "proc.name"], [workload.Value, Text(_procName, context) ?? ""]));
    }

    private readonly Dictionary<string, ScopeKey> _scopes = new(StringComparer.Ordinal);

    private ScopeKey Intern(ScopeKey key)
    {
        if (_scopes.TryGetValue(key.Id, out ScopeKey? known))
        {
            return known;
        }
        _scopes.Add(key.Id, key);
        return key;
    }
}
