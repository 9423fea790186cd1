using System.Net;
using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Tests.Conditions;

/// <summary>The values the test fields extract; null means "absent for this event".</summary>
public sealed class TestEvent
{
    public string? Str { get; set; }
    public string? Path { get; set; }
    public long? Num { get; set; }
    public long? UNum { get; set; }
    public long? Port { get; set; }
    public bool? Flag { get; set; }
    public IPAddress? Ip { get; set; }
    public string[]? List { get; set; }
    public string? Buf { get; set; }
    public string[]? Ancestors { get; set; }
    public string? Type { get; set; }
    public IPAddress? ClientIp { get; set; }
    public IPAddress? ServerIp { get; set; }
    public long? ClientPort { get; set; }
    public long? ServerPort { get; set; }
}

/// <summary>A private registry of small test fields reading a mutable <see cref="TestEvent"/>.</summary>
public sealed class TestFields
{
    public TestFields()
    {
        Context = new EventContext(new SystemState());
        Add("test.str", ParamType.Charbuf, (ref FieldValue v) => SetString(ref v, Event.Str));
        Add("test.str2", ParamType.Charbuf, (ref FieldValue v) => SetString(ref v, Event.Path));
        Add("test.path", ParamType.Fspath, (ref FieldValue v) => SetString(ref v, Event.Path));
        Add("test.num", ParamType.Int64, (ref FieldValue v) => SetInt(ref v, Event.Num));
        Add("test.num2", ParamType.Int64, (ref FieldValue v) => SetInt(ref v, Event.UNum));
        Add("test.unum", ParamType.Uint32, (ref FieldValue v) => SetInt(ref v, Event.UNum));
        Add("test.port", ParamType.Port, (ref FieldValue v) => SetInt(ref v, Event.Port));
        Add("test.flag", ParamType.Bool, (ref FieldValue v) => SetInt(ref v, Event.Flag is { } b ? (b ? 1 : 0) : null));
        Add("test.ip", ParamType.Ipaddr, (ref FieldValue v) => SetIp(ref v, Event.Ip));
        Add("test.net", ParamType.Ipnet, (ref FieldValue v) => SetIp(ref v, Event.Ip));
        Add("test.buf", ParamType.Bytebuf, (ref FieldValue v) => SetString(ref v, Event.Buf));
        Add("evt.type", ParamType.Charbuf, (ref FieldValue v) => SetString(ref v, Event.Type));
        Add("evt.num", ParamType.Uint64, (ref FieldValue v) => SetInt(ref v, 1));
        Add("test.list", ParamType.Charbuf, (ref FieldValue v) => SetList(ref v, Event.List), FieldFlags.IsList);
        Add("test.anc", ParamType.Charbuf, (ref FieldValue v) => SetList(ref v, Event.Ancestors));
        Add("test.norhs", ParamType.Charbuf, (ref FieldValue v) => SetString(ref v, Event.Str), FieldFlags.NoRhs | FieldFlags.NoTransformer);
        Registry.Add(new FieldDescriptor("test.eip", ParamType.Ipaddr, "either-end ip",
            (field, _) => new EitherEnd(field, this, port: false), flags: FieldFlags.FilterOnly));
        Registry.Add(new FieldDescriptor("test.enet", ParamType.Ipnet, "either-end net",
            (field, _) => new EitherEnd(field, this, port: false), flags: FieldFlags.FilterOnly));
        Registry.Add(new FieldDescriptor("test.eport", ParamType.Port, "either-end port",
            (field, _) => new EitherEnd(field, this, port: true), flags: FieldFlags.FilterOnly));
        Registry.Add(new FieldDescriptor("test.arg", ParamType.Charbuf, "argument echo",
            (field, arg) => new DelegateFieldExtractor(field, (EventContext _, ref FieldValue v) => SetString(ref v, arg?.Text)),
            FieldArgumentMode.Required, FieldFlags.ArgDotted));
    }

    public FieldRegistry Registry { get; } = new();

    public TestEvent Event { get; set; } = new();

    public EventContext Context { get; }

    public delegate bool Extract(ref FieldValue value);

    private void Add(string name, ParamType type, Extract extract, FieldFlags flags = FieldFlags.None) =>
        Registry.Add(name, type, name, (EventContext _, ref FieldValue v) => extract(ref v), flags);

    private static bool SetString(ref FieldValue v, string? s)
    {
        v.String = s;
        return s is not null;
    }

    private static bool SetInt(ref FieldValue v, long? n)
    {
        v.Int = n ?? 0;
        return n is not null;
    }

    private static bool SetIp(ref FieldValue v, IPAddress? ip)
    {
        v.Ip = ip;
        return ip is not null;
    }

    private static bool SetList(ref FieldValue v, string[]? list)
    {
        v.List = list;
        return list is not null;
    }

    private sealed class EitherEnd(FieldDescriptor field, TestFields owner, bool port) : FieldExtractor(field), IEitherEndExtractor
    {
        public override bool TryExtract(EventContext context, ref FieldValue value) => TryExtractServer(context, ref value);

        public bool TryExtractClient(EventContext context, ref FieldValue value) =>
            port ? SetInt(ref value, owner.Event.ClientPort) : SetIp(ref value, owner.Event.ClientIp);

        public bool TryExtractServer(EventContext context, ref FieldValue value) =>
            port ? SetInt(ref value, owner.Event.ServerPort) : SetIp(ref value, owner.Event.ServerIp);
    }
}
