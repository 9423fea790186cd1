using System.Runtime.InteropServices;

namespace Falconet.Capture.Bpf.Tests;

/// <summary>Raw syscalls, so a test knows the exact fd, thread and result the kernel saw.</summary>
internal static unsafe partial class Native
{
    public const int AfInet = 2;
    public const int SockStream = 1;
    public const int SockDgram = 2;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(int fd, byte* buffer, nuint length, int flags, byte* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "recvfrom", SetLastError = true)]
    public static partial nint RecvFrom(int fd, byte* buffer, nuint length, int flags, byte* address, int* addressLength);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint length);

    /// <summary>struct iovec.</summary>
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [LibraryImport("libc", EntryPoint = "readv", SetLastError = true)]
    public static partial nint Readv(int fd, IoVec* iov, int count);

    [LibraryImport("libc", EntryPoint = "pipe", SetLastError = true)]
    public static partial int Pipe(int* fds);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, int mode);

    public const int OWronly = 0x1, OCreat = 0x40, OExcl = 0x80, OCloexec = 0x80000;

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "gettid")]
    public static partial int GetTid();

    /// <summary>struct sockaddr_in for 127.0.0.1:port.</summary>
    public static byte[] Loopback4(ushort port) => Inet4(System.Net.IPAddress.Loopback, port);

    /// <summary>struct sockaddr_in for address:port.</summary>
    public static byte[] Inet4(System.Net.IPAddress address, ushort port)
    {
        var sa = new byte[16];
        sa[0] = AfInet;
        sa[2] = (byte)(port >> 8);
        sa[3] = (byte)port;
        address.GetAddressBytes().CopyTo(sa, 4);
        return sa;
    }

    public const int AfInet6 = 10;

    /// <summary>struct sockaddr_in6 for [::1]:port.</summary>
    public static byte[] Loopback6(ushort port)
    {
        var sa = new byte[28];
        sa[0] = AfInet6;
        sa[2] = (byte)(port >> 8);
        sa[3] = (byte)port;
        sa[23] = 1; // sin6_addr starts at 8: ::1
        return sa;
    }

    /// <summary>A loopback TCP port nothing listens on: bound then released by this process.</summary>
    public static ushort ClosedLoopbackPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        ushort port = (ushort)((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
