namespace Falconet.Core.Events;

/// <summary>Wire types of event parameters. Values are the libs PT_* numbers and never change.</summary>
public enum ParamType : byte
{
    None = 0,
    Int8 = 1,
    Int16 = 2,
    Int32 = 3,
    Int64 = 4,
    Uint8 = 5,
    Uint16 = 6,
    Uint32 = 7,
    Uint64 = 8,
    Charbuf = 9,
    Bytebuf = 10,
    Errno = 11,
    Sockaddr = 12,
    Socktuple = 13,
    Fd = 14,
    Pid = 15,
    Fdlist = 16,
    Fspath = 17,
    Syscallid = 18,
    Sigtype = 19,
    Reltime = 20,
    Abstime = 21,
    Port = 22,
    L4proto = 23,
    Sockfamily = 24,
    Bool = 25,
    Ipv4addr = 26,
    Dyn = 27,
    Flags8 = 28,
    Flags16 = 29,
    Flags32 = 30,
    Uid = 31,
    Gid = 32,
    Double = 33,
    Sigset = 34,
    Charbufarray = 35,
    CharbufPairArray = 36,
    Ipv4net = 37,
    Ipv6addr = 38,
    Ipv6net = 39,
    Ipaddr = 40,
    Ipnet = 41,
    Mode = 42,
    Fsrelpath = 43,
    Enumflags8 = 44,
    Enumflags16 = 45,
    Enumflags32 = 46,
    Fd32 = 47,
    Pid32 = 48,
}

/// <summary>How a parameter prints (PF_*).</summary>
public enum ParamFormat : byte
{
    Na = 0,
    Dec = 1,
    Hex = 2,
    Oct = 3,
}

/// <summary>Event categories (EC_*). The low bits are an exclusive kind; the high bits are flags.</summary>
[Flags]
public enum EventCategory : uint
{
    None = 0,
    Unknown = 0,
    Other = 1,
    File = 2,
    Net = 3,
    Ipc = 4,
    Memory = 5,
    Process = 6,
    Sleep = 7,
    System = 8,
    Signal = 9,
    User = 10,
    Time = 11,
    Processing = 12,
    IoRead = 32,
    IoWrite = 33,
    IoOther = 34,
    Wait = 64,
    Scheduler = 128,
    Internal = 256,
    Syscall = 1 << 10,
    Tracepoint = 1 << 11,
    Plugin = 1 << 12,
    Metaevent = 1 << 13,
    Iter = 1 << 14,
}

/// <summary>Event flags (EF_*).</summary>
[Flags]
public enum EventFlags : uint
{
    None = 0,
    CreatesFd = 1 << 0,
    DestroysFd = 1 << 1,
    UsesFd = 1 << 2,
    ReadsFromFd = 1 << 3,
    WritesToFd = 1 << 4,
    ModifiesState = 1 << 5,
    Unused = 1 << 6,
    Waits = 1 << 7,
    Skipparsereset = 1 << 8,
    OldVersion = 1 << 9,
    UsesFdOrig = 1 << 10,
    LargePayload = 1 << 11,
    ConverterManaged = 1 << 12,
}

/// <summary>One parameter of an event type.</summary>
/// <param name="Info">The flag/enum table name (e.g. <c>file_flags</c>), <c>DIRFD_PARAM(n)</c> for relative paths, or empty.</param>
public sealed record ParamInfo(string Name, ParamType Type, ParamFormat Format, string Info)
{
    /// <summary>For <see cref="ParamType.Fsrelpath"/>: the index of the dirfd parameter, else -1.</summary>
    public int DirFdParam { get; } = Info.StartsWith("DIRFD_PARAM(", StringComparison.Ordinal)
        ? int.Parse(Info.AsSpan(12, Info.Length - 13), System.Globalization.CultureInfo.InvariantCulture)
        : -1;
}

/// <summary>One row of the event table: id, name, category, flags and parameter layout.</summary>
public sealed class EventInfo
{
    public EventInfo(ushort id, string enumName, string name, EventCategory category, EventFlags flags, ParamInfo[] parameters)
    {
        Id = id;
        EnumName = enumName;
        Name = name;
        Category = category;
        Flags = flags;
        Parameters = parameters;
    }

    public ushort Id { get; }
    public string EnumName { get; }
    public string Name { get; }
    public EventCategory Category { get; }
    public EventFlags Flags { get; }
    public IReadOnlyList<ParamInfo> Parameters { get; }

    /// <summary>Even ids are enter events (<c>&gt;</c>), odd ids are exit events (<c>&lt;</c>).</summary>
    public bool IsEnter => (Id & 1) == 0;
    public bool IsLargePayload => (Flags & EventFlags.LargePayload) != 0;
    public bool IsOldVersion => (Flags & EventFlags.OldVersion) != 0;
    public bool IsUnused => (Flags & EventFlags.Unused) != 0;

    /// <summary>The exclusive part of the category (file, net, process …), without the syscall/tracepoint/meta flags.</summary>
    public EventCategory Kind => Category & (EventCategory)0x3FF;

    public int IndexOfParam(string name)
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (Parameters[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }

    public override string ToString() => $"{Name} ({EnumName}, {Id})";
}
