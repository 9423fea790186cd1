using System.Buffers;
using System.Text;
using System.Text.Json;
using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.Fields.Formatting;
using OutputFormat = Falconet.Fields.Formatting.OutputFormat;
using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using Falconet.State;

namespace Falconet.Engine;

/// <summary>Which rules fire for one event: the first matching one (Falco's default) or every matching one.</summary>
public enum RuleMatching
{
    First,
    All,
}
