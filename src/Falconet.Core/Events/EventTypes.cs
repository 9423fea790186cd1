namespace Falconet.Core.Events;

/// <summary>Wire types of event parameters. Values are the libs PT_* numbers and never change.</summary>
public enum ParamType : byte
{
    /// <summary>PT_NONE: no value.</summary>
    None = 0,
    /// <summary>PT_INT8.</summary>
    Int8 = 1,
    /// <summary>PT_INT16.</summary>
    Int16 = 2,
    /// <summary>PT_INT32.</summary>
    Int32 = 3,
    /// <summary>PT_INT64.</summary>
    Int64 = 4,
    /// <summary>PT_UINT8.</summary>
    Uint8 = 5,
    /// <summary>PT_UINT16.</summary>
    Uint16 = 6,
    /// <summary>PT_UINT32.</summary>
    Uint32 = 7,
    /// <summary>PT_UINT64.</summary>
    Uint64 = 8,
    /// <summary>PT_CHARBUF.</summary>
    Charbuf = 9,
    /// <summary>PT_BYTEBUF.</summary>
    Bytebuf = 10,
    /// <summary>PT_ERRNO.</summary>
    Errno = 11,
    /// <summary>PT_SOCKADDR.</summary>
    Sockaddr = 12,
    /// <summary>PT_SOCKTUPLE.</summary>
    Socktuple = 13,
    /// <summary>PT_FD.</summary>
    Fd = 14,
    /// <summary>PT_PID.</summary>
    Pid = 15,
    /// <summary>PT_FDLIST.</summary>
    Fdlist = 16,
    /// <summary>PT_FSPATH.</summary>
    Fspath = 17,
    /// <summary>PT_SYSCALLID.</summary>
    Syscallid = 18,
    /// <summary>PT_SIGTYPE.</summary>
    Sigtype = 19,
    /// <summary>PT_RELTIME.</summary>
    Reltime = 20,
    /// <summary>PT_ABSTIME.</summary>
    Abstime = 21,
    /// <summary>PT_PORT.</summary>
    Port = 22,
    /// <summary>PT_L4PROTO.</summary>
    L4proto = 23,
    /// <summary>PT_SOCKFAMILY.</summary>
    Sockfamily = 24,
    /// <summary>PT_BOOL.</summary>
    Bool = 25,
    /// <summary>PT_IPV4ADDR.</summary>
    Ipv4addr = 26,
    /// <summary>PT_DYN.</summary>
    Dyn = 27,
    /// <summary>PT_FLAGS8.</summary>
    Flags8 = 28,
    /// <summary>PT_FLAGS16.</summary>
    Flags16 = 29,
    /// <summary>PT_FLAGS32.</summary>
    Flags32 = 30,
    /// <summary>PT_UID.</summary>
    Uid = 31,
    /// <summary>PT_GID.</summary>
    Gid = 32,
    /// <summary>PT_DOUBLE.</summary>
    Double = 33,
    /// <summary>PT_SIGSET.</summary>
    Sigset = 34,
    /// <summary>PT_CHARBUFARRAY.</summary>
    Charbufarray = 35,
    /// <summary>PT_CHARBUF_PAIR_ARRAY.</summary>
    CharbufPairArray = 36,
    /// <summary>PT_IPV4NET.</summary>
    Ipv4net = 37,
    /// <summary>PT_IPV6ADDR.</summary>
    Ipv6addr = 38,
    /// <summary>PT_IPV6NET.</summary>
    Ipv6net = 39,
    /// <summary>PT_IPADDR.</summary>
    Ipaddr = 40,
    /// <summary>PT_IPNET.</summary>
    Ipnet = 41,
    /// <summary>PT_MODE.</summary>
    Mode = 42,
    /// <summary>PT_FSRELPATH.</summary>
    Fsrelpath = 43,
    /// <summary>PT_ENUMFLAGS8.</summary>
    Enumflags8 = 44,
    /// <summary>PT_ENUMFLAGS16.</summary>
    Enumflags16 = 45,
    /// <summary>PT_ENUMFLAGS32.</summary>
    Enumflags32 = 46,
    /// <summary>PT_FD32.</summary>
    Fd32 = 47,
    /// <summary>PT_PID32.</summary>
    Pid32 = 48,
}

/// <summary>How a parameter prints (PF_*).</summary>
public enum ParamFormat : byte
{
    /// <summary>PF_NA: no particular format.</summary>
    Na = 0,
    /// <summary>PF_DEC.</summary>
    Dec = 1,
    /// <summary>PF_HEX.</summary>
    Hex = 2,
    /// <summary>PF_OCT.</summary>
    Oct = 3,
}

/// <summary>Event categories (EC_*). The low bits are an exclusive kind; the high bits are flags.</summary>
[Flags]
public enum EventCategory : uint
{
    /// <summary>No category bits.</summary>
    None = 0,
    /// <summary>EC_UNKNOWN.</summary>
    Unknown = 0,
    /// <summary>EC_OTHER.</summary>
    Other = 1,
    /// <summary>EC_FILE.</summary>
    File = 2,
    /// <summary>EC_NET.</summary>
    Net = 3,
    /// <summary>EC_IPC.</summary>
    Ipc = 4,
    /// <summary>EC_MEMORY.</summary>
    Memory = 5,
    /// <summary>EC_PROCESS.</summary>
    Process = 6,
    /// <summary>EC_SLEEP.</summary>
    Sleep = 7,
    /// <summary>EC_SYSTEM.</summary>
    System = 8,
    /// <summary>EC_SIGNAL.</summary>
    Signal = 9,
    /// <summary>EC_USER.</summary>
    User = 10,
    /// <summary>EC_TIME.</summary>
    Time = 11,
    /// <summary>EC_PROCESSING.</summary>
    Processing = 12,
    /// <summary>EC_IO_READ.</summary>
    IoRead = 32,
    /// <summary>EC_IO_WRITE.</summary>
    IoWrite = 33,
    /// <summary>EC_IO_OTHER.</summary>
    IoOther = 34,
    /// <summary>EC_WAIT.</summary>
    Wait = 64,
    /// <summary>EC_SCHEDULER.</summary>
    Scheduler = 128,
    /// <summary>EC_INTERNAL.</summary>
    Internal = 256,
    /// <summary>EC_SYSCALL.</summary>
    Syscall = 1 << 10,
    /// <summary>EC_TRACEPOINT.</summary>
    Tracepoint = 1 << 11,
    /// <summary>EC_PLUGIN.</summary>
    Plugin = 1 << 12,
    /// <summary>EC_METAEVENT.</summary>
    Metaevent = 1 << 13,
    /// <summary>EC_ITER.</summary>
    Iter = 1 << 14,
}

/// <summary>Event flags (EF_*).</summary>
[Flags]
public enum EventFlags : uint
{
    /// <summary>EF_NONE.</summary>
    None = 0,
    /// <summary>EF_CREATES_FD.</summary>
    CreatesFd = 1 << 0,
    /// <summary>EF_DESTROYS_FD.</summary>
    DestroysFd = 1 << 1,
    /// <summary>EF_USES_FD.</summary>
    UsesFd = 1 << 2,
    /// <summary>EF_READS_FROM_FD.</summary>
    ReadsFromFd = 1 << 3,
    /// <summary>EF_WRITES_TO_FD.</summary>
    WritesToFd = 1 << 4,
    /// <summary>EF_MODIFIES_STATE.</summary>
    ModifiesState = 1 << 5,
    /// <summary>EF_UNUSED.</summary>
    Unused = 1 << 6,
    /// <summary>EF_WAITS.</summary>
    Waits = 1 << 7,
    /// <summary>EF_SKIPPARSERESET.</summary>
    Skipparsereset = 1 << 8,
    /// <summary>EF_OLD_VERSION.</summary>
    OldVersion = 1 << 9,
    /// <summary>Bit 10 of the libs event flags (no event of this table sets it).</summary>
    UsesFdOrig = 1 << 10,
    /// <summary>EF_LARGE_PAYLOAD.</summary>
    LargePayload = 1 << 11,
    /// <summary>EF_CONVERTER_MANAGED.</summary>
    ConverterManaged = 1 << 12,
}

/// <summary>One parameter of an event type.</summary>
/// <param name="Name">Parameter name (what <c>evt.arg.NAME</c> selects).</param>
/// <param name="Type">Wire type.</param>
/// <param name="Format">How the value prints.</param>
/// <param name="Info">The flag/enum table name (e.g. <c>file_flags</c>), <c>DIRFD_PARAM(n)</c> for relative paths, or empty.</param>
public sealed record ParamInfo(string Name, ParamType Type, ParamFormat Format, string Info)
{
    /// <summary>For <see cref="ParamType.Fsrelpath"/>: the index of the dirfd parameter, else -1.</summary>
    public int DirFdParam { get; } = Info.StartsWith("DIRFD_PARAM(", StringComparison.Ordinal)
        ? int.Parse(Info.AsSpan(12, Info.Length - 13), System.Globalization.CultureInfo.InvariantCulture)
        : -1;
}

/// <summary>One row of the event table: id, name, category, flags and parameter layout.</summary>
/// <param name="Id">Event type id (PPME_* value).</param>
/// <param name="EnumName">The libs enum name, e.g. <c>PPME_SYSCALL_OPENAT_2_X</c>.</param>
/// <param name="Name">The event name rules see as <c>evt.type</c>.</param>
/// <param name="Category">Category kind and flags.</param>
/// <param name="Flags">Event flags.</param>
/// <param name="Parameters">The parameter layout, in wire order.</param>
public sealed record EventInfo(ushort Id, string EnumName, string Name, EventCategory Category, EventFlags Flags, IReadOnlyList<ParamInfo> Parameters)
{
    /// <summary>Even ids are enter events (<c>&gt;</c>), odd ids are exit events (<c>&lt;</c>).</summary>
    public bool IsEnter => (Id & 1) == 0;
    /// <summary>Parameter lengths are u32 instead of u16.</summary>
    public bool IsLargePayload => (Flags & EventFlags.LargePayload) != 0;
    /// <summary>A superseded layout; the converter turns it into the current one.</summary>
    public bool IsOldVersion => (Flags & EventFlags.OldVersion) != 0;
    /// <summary>An id no driver emits.</summary>
    public bool IsUnused => (Flags & EventFlags.Unused) != 0;

    /// <summary>The exclusive part of the category (file, net, process …), without the syscall/tracepoint/meta flags.</summary>
    public EventCategory Kind => Category & (EventCategory)0x3FF;

    // Read on every decoded event: a field and an array, not calls through IReadOnlyList.
    private readonly ParamType[] _parameterTypes = [.. Parameters.Select(p => p.Type)];

    /// <summary>Number of parameters of the layout (<c>Parameters.Count</c>, without an interface call).</summary>
    public int ParameterCount => _parameterTypes.Length;

    /// <summary>The wire type of parameter <paramref name="index"/> of the layout.</summary>
    public ParamType ParameterType(int index) => _parameterTypes[index];

    /// <summary>Index of the parameter named <paramref name="name"/>, or -1.</summary>
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

    /// <summary>Name, enum name and id, for diagnostics.</summary>
    public override string ToString() => $"{Name} ({EnumName}, {Id})";
}
