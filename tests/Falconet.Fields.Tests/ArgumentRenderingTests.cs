using System.Text;
using Falconet.Fields.ArgumentRendering;

namespace Falconet.Fields.Tests;

public sealed class ArgumentRenderingTests
{
    private static string Names(string table, uint value, bool exact = false)
    {
        Assert.True(FlagTables.TryGet(table, out FlagTable? t), table);
        var sb = new StringBuilder();
        t.AppendNames(sb, value, exact);
        return sb.ToString();
    }

    [Theory]
    [InlineData(1u, "O_RDONLY")]
    [InlineData(2u, "O_WRONLY")]
    [InlineData(3u, "O_RDWR")]
    [InlineData(4097u, "O_RDONLY|O_CLOEXEC")]
    [InlineData(0x241u | 0x2u, "O_DIRECT|O_NONBLOCK|O_RDWR")]
    [InlineData(0u, "O_NONE")]
    [InlineData(0x4006u, "O_CREAT|O_WRONLY|O_F_CREATED")]
    public void File_flags(uint value, string expected) => Assert.Equal(expected, Names("file_flags", value));

    [Fact]
    public void Other_tables()
    {
        Assert.Equal("CLONE_FILES|CLONE_FS|CLONE_SIGHAND|CLONE_THREAD|CLONE_VM", Names("clone_flags", (1u << 0) | (1u << 1) | (1u << 11) | (1u << 13) | (1u << 15)));
        Assert.Equal("PROT_READ|PROT_WRITE", Names("prot_flags", 3));
        Assert.Equal("PROT_NONE", Names("prot_flags", 0));
        Assert.Equal("AF_INET", Names("socket_families", 2, exact: true));
        Assert.Equal("AF_INET6", Names("socket_families", 10, exact: true));
        Assert.Equal("SEEK_CUR", Names("lseek_whence", 1, exact: true));
        Assert.Equal("", Names("lseek_whence", 7, exact: true));
        Assert.Equal("S_IXUSR|S_IWUSR|S_IRUSR", Names("chmod_mode", (1u << 6) | (1u << 7) | (1u << 8)));
        Assert.Equal("F_OK", Names("access_flags", 0));
        Assert.Equal("R_OK|W_OK", Names("access_flags", 6));
        Assert.False(FlagTables.TryGet("no_such_table", out _));
    }

    [Theory]
    [InlineData(-1, "EPERM")]
    [InlineData(-2, "ENOENT")]
    [InlineData(-13, "EACCES")]
    [InlineData(-111, "ECONNREFUSED")]
    [InlineData(-115, "EINPROGRESS")]
    [InlineData(-512, "ERESTARTSYS")]
    public void Errno_names(long value, string expected) => Assert.Equal(expected, ErrnoNames.FromReturnValue(value));

    [Fact]
    public void Errno_unknown_or_success_has_no_name()
    {
        Assert.Null(ErrnoNames.FromReturnValue(0));
        Assert.Null(ErrnoNames.FromReturnValue(3));
        Assert.Null(ErrnoNames.FromReturnValue(-41));
        Assert.Null(ErrnoNames.FromReturnValue(-100000));
    }

    [Fact]
    public void Buffers_show_non_printable_bytes_as_dots()
    {
        var sb = new StringBuilder();
        ArgumentRenderer.AppendBytesAsText(sb, [(byte)'a', 0, (byte)'\n', 0xFF, (byte)'~']);
        Assert.Equal("a...~", sb.ToString());
    }

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(0.001, "0.001")]
    [InlineData(1e-9, "1e-09")]
    [InlineData(123456789.0, "1.23457e+08")]
    [InlineData(2.0, "2")]
    public void C_general_format(double value, string expected) => Assert.Equal(expected, CFormat.General(value));

    [Theory]
    [InlineData("/home/user/", "a.txt", "/home/user/a.txt")]
    [InlineData("/home/user/", "../b/./c", "/home/b/c")]
    [InlineData("/", "..", "/")]
    [InlineData("/x", "y//z", "/x/y/z")]
    public void Paths_concatenate(string dir, string path, string expected) => Assert.Equal(expected, Falconet.State.PathResolver.Resolve(dir, path));
}
