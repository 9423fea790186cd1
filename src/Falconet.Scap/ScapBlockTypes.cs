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

// The ids themselves are generated into ScapBlockTypes.g.cs from tools/wire-facts.json.
public static partial class ScapBlockTypes
{
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
