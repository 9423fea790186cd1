using Falconet.Core.Snapshot;
using Falconet.Fields.OutputFormats;
using static Falconet.Fields.FieldValues;

namespace Falconet.Fields;

/// <summary>The user.* and group.* fields (names fall back to root for uid 0 and "&lt;NA&gt;" when unknown, as in libsinsp).</summary>
internal static class UserFields
{
    public static void Register(FieldRegistry registry)
    {
        registry.Add("user.uid", ParamType.Uint32, "The user id of the process.",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.Uid, ref v));
        registry.Add("user.name", ParamType.Charbuf, "The user name of the process; root for uid 0 and <NA> when the user is unknown.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : UserName(c.State, c.Thread.Uid), ref v));
        registry.Add("user.homedir", ParamType.Charbuf, "The home directory of the user.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : User(c.State, c.Thread.Uid)?.HomeDirectory ?? FieldValueFormatter.NotAvailable, ref v));
        registry.Add("user.shell", ParamType.Charbuf, "The shell of the user.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : User(c.State, c.Thread.Uid)?.Shell ?? FieldValueFormatter.NotAvailable, ref v));
        registry.Add("user.loginuid", ParamType.Int64, "The audit login uid of the process; -1 when unset.",
            (EventContext c, ref FieldValue v) => Int(c.Thread is null ? null : LoginUid(c.Thread), ref v));
        registry.Add("user.loginname", ParamType.Charbuf, "The name of the login user; root for 0 and <NA> when unset or unknown.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null
                : c.Thread.LoginUid == uint.MaxValue ? FieldValueFormatter.NotAvailable : UserName(c.State, c.Thread.LoginUid), ref v));
        registry.Add("group.gid", ParamType.Uint32, "The group id of the process.",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.Gid, ref v));
        registry.Add("group.name", ParamType.Charbuf, "The group name of the process; root for gid 0 and <NA> when the group is unknown.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : GroupName(c.State, c.Thread.Gid), ref v));
    }

    private static long LoginUid(ThreadInfo t) => t.LoginUid == uint.MaxValue ? -1 : t.LoginUid;

    private static UserRecord? User(SystemState state, uint uid) => state.FindUser(uid);

    internal static string UserName(SystemState state, uint uid) =>
        state.FindUser(uid)?.Name ?? (uid == 0 ? "root" : FieldValueFormatter.NotAvailable);

    internal static string GroupName(SystemState state, uint gid) =>
        state.FindGroup(gid)?.Name ?? (gid == 0 ? "root" : FieldValueFormatter.NotAvailable);
}
