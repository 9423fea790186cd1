using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Falconet.Capture.Bpf.Interop;

/// <summary>
/// The libbpf 1.x calls live capture and egress enforcement (Falconet.Enforcement) need: the one interop class for
/// libbpf. Opaque pointers and ints only. Pointer-returning calls return NULL and set errno; int-returning calls
/// return -errno.
/// </summary>
internal static unsafe partial class Libbpf
{
    public const string LibraryName = "libbpf.so.1";

    public const ulong BpfAny = 0;

    [LibraryImport(LibraryName, EntryPoint = "bpf_object__open_file", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint ObjectOpenFile(string path, nint options);

    [LibraryImport(LibraryName, EntryPoint = "bpf_object__load")]
    public static partial int ObjectLoad(nint obj);

    [LibraryImport(LibraryName, EntryPoint = "bpf_object__close")]
    public static partial void ObjectClose(nint obj);

    [LibraryImport(LibraryName, EntryPoint = "bpf_object__find_program_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ObjectFindProgramByName(nint obj, string name);

    [LibraryImport(LibraryName, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ObjectFindMapByName(nint obj, string name);

    [LibraryImport(LibraryName, EntryPoint = "bpf_program__attach", SetLastError = true)]
    public static partial nint ProgramAttach(nint prog);

    [LibraryImport(LibraryName, EntryPoint = "bpf_link__destroy")]
    public static partial int LinkDestroy(nint link);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map__fd")]
    public static partial int MapFd(nint map);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map__set_max_entries")]
    public static partial int MapSetMaxEntries(nint map, uint maxEntries);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map_update_elem")]
    public static partial int MapUpdateElem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map_lookup_elem")]
    public static partial int MapLookupElem(int fd, void* key, void* value);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map_delete_elem")]
    public static partial int MapDeleteElem(int fd, void* key);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map_get_next_key")]
    public static partial int MapGetNextKey(int fd, void* key, void* nextKey);

    [LibraryImport(LibraryName, EntryPoint = "bpf_program__attach_cgroup", SetLastError = true)]
    public static partial nint ProgramAttachCgroup(nint prog, int cgroupFd);

    [LibraryImport(LibraryName, EntryPoint = "bpf_program__fd")]
    public static partial int ProgramFd(nint prog);

    [LibraryImport(LibraryName, EntryPoint = "bpf_link__pin", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LinkPin(nint link, string path);

    [LibraryImport(LibraryName, EntryPoint = "bpf_link_get_next_id")]
    public static partial int LinkGetNextId(uint startId, uint* nextId);

    [LibraryImport(LibraryName, EntryPoint = "bpf_link_get_fd_by_id")]
    public static partial int LinkGetFdById(uint id);

    [LibraryImport(LibraryName, EntryPoint = "bpf_prog_get_fd_by_id")]
    public static partial int ProgGetFdById(uint id);

    [LibraryImport(LibraryName, EntryPoint = "bpf_obj_get_info_by_fd")]
    public static partial int ObjGetInfoByFd(int fd, void* info, uint* infoLength);

    [LibraryImport(LibraryName, EntryPoint = "bpf_link_detach")]
    public static partial int LinkDetach(int linkFd);

    /// <summary>struct bpf_link_info (uapi linux/bpf.h): type, ids and, for a cgroup link, its cgroup.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 48)]
    public struct LinkInfo
    {
        public uint Type;
        public uint Id;
        public uint ProgId;
        public uint Padding;
        public ulong CgroupId;
        public uint AttachType;
    }

    /// <summary>BPF_LINK_TYPE_CGROUP.</summary>
    public const uint LinkTypeCgroup = 3;

    /// <summary>Size of struct bpf_prog_info in the uapi header this layout was taken from.</summary>
    public const int ProgInfoSize = 232;

    /// <summary>Offset of bpf_prog_info.name (char[16]).</summary>
    public const int ProgInfoNameOffset = 64;

    /// <summary>Offset of bpf_prog_info.run_time_ns (with kernel.bpf_stats_enabled=1).</summary>
    public const int ProgInfoRunTimeOffset = 192;

    /// <summary>Offset of bpf_prog_info.run_cnt.</summary>
    public const int ProgInfoRunCountOffset = 200;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Stat(string path, byte* statBuffer);

    /// <summary>O_RDONLY | O_DIRECTORY | O_CLOEXEC (x86-64 values).</summary>
    public const int OpenDirectoryReadOnly = 0x10000 | 0x80000;

    /// <summary>sizeof(struct stat) on x86-64 glibc, and the offset of st_ino in it.</summary>
    public const int StatSize = 144;

    /// <summary>Offset of st_ino in struct stat (x86-64).</summary>
    public const int StatInodeOffset = 8;

    [LibraryImport(LibraryName, EntryPoint = "ring_buffer__new", SetLastError = true)]
    public static partial nint RingBufferNew(int mapFd, delegate* unmanaged[Cdecl]<nint, nint, nuint, int> sampleCallback, nint context, nint options);

    [LibraryImport(LibraryName, EntryPoint = "ring_buffer__poll")]
    public static partial int RingBufferPoll(nint ringBuffer, int timeoutMs);

    [LibraryImport(LibraryName, EntryPoint = "ring_buffer__consume")]
    public static partial int RingBufferConsume(nint ringBuffer);

    [LibraryImport(LibraryName, EntryPoint = "ring_buffer__free")]
    public static partial void RingBufferFree(nint ringBuffer);

    [LibraryImport(LibraryName, EntryPoint = "libbpf_num_possible_cpus")]
    public static partial int NumPossibleCpus();

    [LibraryImport(LibraryName, EntryPoint = "libbpf_set_print")]
    public static partial nint SetPrint(delegate* unmanaged[Cdecl]<int, byte*, nint, int> printFunction);

    [LibraryImport("libc", EntryPoint = "vsnprintf")]
    public static partial int VsnPrintf(byte* buffer, nuint size, byte* format, nint args);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    public const int ClockBoottime = 7;

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    public static partial int ClockGetTime(int clockId, TimeSpec* time);

    [LibraryImport("libc", EntryPoint = "strerror")]
    public static partial nint StrError(int errno);

    /// <summary>Human text for an errno (positive or negative).</summary>
    public static string ErrnoText(int errno)
    {
        errno = Math.Abs(errno);
        nint text = StrError(errno);
        return $"{Marshal.PtrToStringUTF8(text) ?? "unknown error"} (errno {errno})";
    }

    // libbpf's log (including the verifier log on a failed load) is collected here so a load
    // failure can say why. Loads are rare and short, so one shared buffer is enough.
    private static readonly Lock s_logLock = new();
    private static readonly System.Text.StringBuilder s_log = new();
    private static bool s_printInstalled;

    public static void InstallLogCapture()
    {
        lock (s_logLock)
        {
            if (!s_printInstalled)
            {
                SetPrint(&OnPrint);
                s_printInstalled = true;
            }
        }
    }

    public static void ClearLog()
    {
        lock (s_logLock)
        {
            s_log.Clear();
        }
    }

    /// <summary>
    /// Opens the object file at <paramref name="path"/>, libbpf's log captured from here on for the load that follows;
    /// <paramref name="error"/> makes the caller's exception from the message naming the file and errno.
    /// </summary>
    public static nint OpenObject(string path, Func<string, Exception> error)
    {
        InstallLogCapture();
        ClearLog();
        nint obj = ObjectOpenFile(path, 0);
        return obj != 0 ? obj : throw error($"cannot open eBPF object {path}: {ErrnoText(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>Loads an opened object; the message of a refusal names <paramref name="what"/> and ends with the log (the verifier's).</summary>
    public static void LoadObject(nint obj, string what, Func<string, Exception> error)
    {
        int err = ObjectLoad(obj);
        if (err != 0)
        {
            throw error($"the kernel rejected {what}: {ErrnoText(err)}. libbpf log (tail):{Environment.NewLine}{LogTail(4000)}");
        }
    }

    /// <summary>The last <paramref name="maxChars"/> characters of the captured log.</summary>
    public static string LogTail(int maxChars)
    {
        lock (s_logLock)
        {
            string all = s_log.ToString();
            return all.Length <= maxChars ? all : all[^maxChars..];
        }
    }

    // The verifier log arrives as one message of up to a few MiB; the va_list can be formatted
    // only once, so the buffer is sized for the whole log.
    private const int PrintBufferSize = 8 << 20;
    private static byte* s_printBuffer;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnPrint(int level, byte* format, nint args)
    {
        try
        {
            lock (s_logLock)
            {
                if (s_printBuffer == null)
                {
                    s_printBuffer = (byte*)NativeMemory.Alloc(PrintBufferSize);
                }
                int n = VsnPrintf(s_printBuffer, PrintBufferSize, format, args);
                if (n > 0)
                {
                    if (s_log.Length > 16 << 20)
                    {
                        s_log.Remove(0, s_log.Length / 2);
                    }
                    s_log.Append(Marshal.PtrToStringUTF8((nint)s_printBuffer, Math.Min(n, PrintBufferSize - 1)));
                }
            }
        }
        catch
        {
            // Never let an exception cross into libbpf.
        }
        return 0;
    }
}
