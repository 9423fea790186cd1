namespace Falconet.Scap;

/// <summary>What a block id means to a reader: kind, version and (for events) header layout.</summary>
internal enum BlockKind : byte
{
    Unknown,
    SectionHeader,
    MachineInfo,
    ProcessList,
    FdList,
    InterfaceList,
    UserList,
    Event,
}

internal readonly record struct BlockClass(BlockKind Kind, int Version, string Name, bool HasFlags = false, bool V1EventHeader = false, bool Large = false)
{
    public bool IsEvent => Kind == BlockKind.Event;
}

/// <summary>Block type ids of the scap format (the <c>0x80xxABCD</c> ids are pre-release aliases).</summary>
public static class ScapBlockTypes
{
    /// <summary>SHB: starts a section; carries the byte-order magic and format version.</summary>
    public const uint SectionHeader = 0x0A0D0D0A;
    /// <summary>MI: the capturing host.</summary>
    public const uint MachineInfo = 0x201;
    /// <summary>PL: threads, layout version 1.</summary>
    public const uint ProcessListV1 = 0x202;
    /// <summary>FDL: one thread's fds, layout version 1.</summary>
    public const uint FdListV1 = 0x203;
    /// <summary>EV: event with the v1 header (no parameter count).</summary>
    public const uint EventV1 = 0x204;
    /// <summary>IL: network interfaces, layout version 1.</summary>
    public const uint InterfaceListV1 = 0x205;
    /// <summary>UL: users and groups, layout version 1.</summary>
    public const uint UserListV1 = 0x206;
    /// <summary>PL: threads, layout version 2.</summary>
    public const uint ProcessListV2 = 0x207;
    /// <summary>EVF: v1-header event with block flags.</summary>
    public const uint EventFlagsV1 = 0x208;
    /// <summary>PL: threads, layout version 3.</summary>
    public const uint ProcessListV3 = 0x209;
    /// <summary>PL: threads, layout version 4.</summary>
    public const uint ProcessListV4 = 0x210;
    /// <summary>PL: threads, layout version 5.</summary>
    public const uint ProcessListV5 = 0x211;
    /// <summary>PL: threads, layout version 6.</summary>
    public const uint ProcessListV6 = 0x212;
    /// <summary>PL: threads, layout version 7.</summary>
    public const uint ProcessListV7 = 0x213;
    /// <summary>PL: threads, layout version 8.</summary>
    public const uint ProcessListV8 = 0x214;
    /// <summary>PL: threads, layout version 9.</summary>
    public const uint ProcessListV9 = 0x215;
    /// <summary>EV_V2: event with the v2 header.</summary>
    public const uint EventV2 = 0x216;
    /// <summary>EVF_V2: v2 event with block flags.</summary>
    public const uint EventFlagsV2 = 0x217;
    /// <summary>FDL: one thread's fds, layout version 2.</summary>
    public const uint FdListV2 = 0x218;
    /// <summary>IL: network interfaces, layout version 2.</summary>
    public const uint InterfaceListV2 = 0x219;
    /// <summary>UL: users and groups, layout version 2.</summary>
    public const uint UserListV2 = 0x220;
    /// <summary>EV_V2_LARGE: v2 event with u32 parameter lengths.</summary>
    public const uint EventV2Large = 0x221;
    /// <summary>EVF_V2_LARGE: large v2 event with block flags.</summary>
    public const uint EventFlagsV2Large = 0x222;

    /// <summary>The SHB byte-order magic as a little-endian reader sees it.</summary>
    public const uint ByteOrderMagic = 0x1A2B3C4D;

    internal static BlockClass Classify(uint type) => type switch
    {
        SectionHeader => new(BlockKind.SectionHeader, 1, "SHB"),
        MachineInfo or 0x8002ABCD => new(BlockKind.MachineInfo, 1, "MI"),
        ProcessListV1 or 0x8000ABCD => new(BlockKind.ProcessList, 1, "PL_V1"),
        ProcessListV2 or 0x8013ABCD => new(BlockKind.ProcessList, 2, "PL_V2"),
        ProcessListV3 or 0x8014ABCD => new(BlockKind.ProcessList, 3, "PL_V3"),
        ProcessListV4 => new(BlockKind.ProcessList, 4, "PL_V4"),
        ProcessListV5 => new(BlockKind.ProcessList, 5, "PL_V5"),
        ProcessListV6 => new(BlockKind.ProcessList, 6, "PL_V6"),
        ProcessListV7 => new(BlockKind.ProcessList, 7, "PL_V7"),
        ProcessListV8 => new(BlockKind.ProcessList, 8, "PL_V8"),
        ProcessListV9 => new(BlockKind.ProcessList, 9, "PL_V9"),
        FdListV1 or 0x8001ABCD => new(BlockKind.FdList, 1, "FDL"),
        FdListV2 => new(BlockKind.FdList, 2, "FDL_V2"),
        InterfaceListV1 or 0x8011ABCD => new(BlockKind.InterfaceList, 1, "IL"),
        InterfaceListV2 => new(BlockKind.InterfaceList, 2, "IL_V2"),
        UserListV1 or 0x8012ABCD => new(BlockKind.UserList, 1, "UL"),
        UserListV2 => new(BlockKind.UserList, 2, "UL_V2"),
        EventV1 or 0x8010ABCD => new(BlockKind.Event, 1, "EV", V1EventHeader: true),
        EventFlagsV1 => new(BlockKind.Event, 1, "EVF", HasFlags: true, V1EventHeader: true),
        EventV2 => new(BlockKind.Event, 2, "EV_V2"),
        EventFlagsV2 => new(BlockKind.Event, 2, "EVF_V2", HasFlags: true),
        EventV2Large => new(BlockKind.Event, 2, "EV_V2_LARGE", Large: true),
        EventFlagsV2Large => new(BlockKind.Event, 2, "EVF_V2_LARGE", HasFlags: true, Large: true),
        _ => new(BlockKind.Unknown, 0, "unknown"),
    };

    /// <summary>libscap's name for a block id, <c>unknown</c> for ids it does not define.</summary>
    public static string NameOf(uint type) => Classify(type).Name;
}
