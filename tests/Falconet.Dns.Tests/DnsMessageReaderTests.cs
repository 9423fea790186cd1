using System.Text;
using Falconet.Core.Events;
using Falconet.Dns;
using Falconet.TestKit;

namespace Falconet.Dns.Tests;

public sealed class DnsMessageReaderTests
{
    [Fact]
    public void Reads_header_question_and_an_A_answer()
    {
        byte[] m = Messages.A("WWW.Example.COM.", "192.0.2.10", ttl: 42);
        var reader = new DnsMessageReader(m);
        Assert.True(reader.HasHeader);
        Assert.True(reader.Header.IsResponse);
        Assert.Equal(0x1234, reader.Header.Id);
        Assert.Equal(1, reader.Header.AnswerCount);
        Span<byte> name = stackalloc byte[DnsMessageReader.MaxNameLength];
        Assert.True(reader.TryReadQuestion(name, out DnsQuestion q));
        Assert.Equal("www.example.com", Encoding.ASCII.GetString(name[..q.NameLength]));
        Assert.Equal(DnsRecordType.A, q.Type);
        Assert.True(reader.TryReadAnswer(out DnsRecord r));
        Assert.Equal(DnsRecordType.A, r.Type);
        Assert.Equal(42u, r.Ttl);
        Assert.Equal(DnsAddress.Parse("192.0.2.10"), DnsAddress.FromBytes(reader.GetData(r)));
        Assert.True(reader.TryDecodeName(r.NameOffset, name, out int length));
        Assert.Equal("www.example.com", Encoding.ASCII.GetString(name[..length]));
        Assert.False(reader.TryReadAnswer(out _));
        Assert.Equal(DnsParseStatus.Ok, reader.Status);
    }

    [Fact]
    public void Response_view_reads_AAAA_and_a_cname_chain()
    {
        var response = new DnsResponse();
        Assert.Equal(DnsParseStatus.Ok, response.Parse(Messages.CnameChain("2001:db8::5")));
        Assert.Equal("www.example.com", response.GetName(response.QuestionName).ToString());
        Assert.Equal(2, response.CnameCount);
        Assert.Equal(1, response.AddressCount);
        AddressRecord a = response.GetAddress(0);
        Assert.Equal(DnsAddress.Parse("2001:db8::5"), a.Address);
        Assert.False(a.Address.IsIPv4);
        Assert.Equal("e1.cdn.example", response.GetName(a.Owner).ToString());
        int alias = response.FindAliasOf(a.Owner);
        Assert.Equal("edge.example.net", response.GetName(response.GetCname(alias).Owner).ToString());
    }

    [Fact]
    public void Skips_other_record_types_and_reads_the_ones_after()
    {
        byte[] m = Messages.Response("mx.example", DnsRecordType.A, 2, (ref DnsMessageWriter w) =>
        {
            w.WritePointer(DnsMessageWriter.QuestionNameOffset);
            w.WriteBytes([0, 16, 0, 1, 0, 0, 0, 9, 0, 3, 2, (byte)'h', (byte)'i']); // TXT "hi"
            w.WriteAddressForQuestion(DnsAddress.Parse("198.51.100.3"), 9);
        });
        var response = new DnsResponse();
        Assert.Equal(DnsParseStatus.Ok, response.Parse(m));
        Assert.Equal(1, response.AddressCount);
        Assert.Equal(DnsAddress.Parse("198.51.100.3"), response.GetAddress(0).Address);
    }

    [Fact]
    public void Self_pointer_is_rejected_as_a_loop()
    {
        var response = new DnsResponse();
        Assert.Equal(DnsParseStatus.PointerLoop, response.Parse(Messages.SelfPointerLoop()));
        Assert.Equal(0, response.AddressCount);
    }

    [Fact]
    public void Mutual_pointers_are_rejected_as_a_loop()
    {
        var reader = new DnsMessageReader(Messages.MutualPointerLoop());
        Span<byte> name = stackalloc byte[DnsMessageReader.MaxNameLength];
        Assert.False(reader.TryReadQuestion(name, out _));
        Assert.Equal(DnsParseStatus.PointerLoop, reader.Status);
        Assert.False(reader.TryReadAnswer(out _));
    }

    [Fact]
    public void Pointer_outside_the_message_is_a_bad_pointer()
    {
        byte[] m = Messages.Response("x.example", DnsRecordType.A, 1, (ref DnsMessageWriter w) =>
        {
            w.WritePointer(0x3FFF);
            w.WriteBytes([0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4]);
        });
        var response = new DnsResponse();
        Assert.Equal(DnsParseStatus.BadPointer, response.Parse(m));
    }

    [Fact]
    public void A_label_with_a_dot_or_a_reserved_type_is_a_bad_label()
    {
        byte[] dotted = Messages.A("ab.example", "192.0.2.1");
        dotted[DnsHeader.Length + 1] = (byte)'.';
        Assert.Equal(DnsParseStatus.BadLabel, new DnsResponse().Parse(dotted));
        byte[] reserved = Messages.A("ab.example", "192.0.2.1");
        reserved[DnsHeader.Length] = 0x42;
        Assert.Equal(DnsParseStatus.BadLabel, new DnsResponse().Parse(reserved));
    }

    [Fact]
    public void An_A_record_of_the_wrong_length_is_bad_data()
    {
        byte[] m = Messages.Response("x.example", DnsRecordType.A, 1, (ref DnsMessageWriter w) =>
        {
            w.WritePointer(DnsMessageWriter.QuestionNameOffset);
            w.WriteBytes([0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3]);
        });
        Assert.Equal(DnsParseStatus.BadRecordData, new DnsResponse().Parse(m));
    }

    [Fact]
    public void A_query_is_not_a_response()
    {
        byte[] q = new byte[512];
        int length = DnsMessageWriter.WriteQuery(q, 9, "example.com", DnsRecordType.A);
        Assert.Equal(DnsParseStatus.NotResponse, new DnsResponse().Parse(q.AsSpan(0, length)));
    }

    [Fact]
    public void Ttl_with_the_top_bit_set_reads_as_zero()
    {
        byte[] m = Messages.A("t.example", "192.0.2.1", ttl: 0x8000_0001);
        var response = new DnsResponse();
        Assert.Equal(DnsParseStatus.Ok, response.Parse(m));
        Assert.Equal(0u, response.GetAddress(0).Ttl);
    }

    [Fact]
    public void Every_truncation_of_a_cname_answer_is_reported_and_keeps_complete_records()
    {
        byte[] full = Messages.CnameChain("192.0.2.44");
        var response = new DnsResponse();
        for (int cut = 0; cut < full.Length; cut++)
        {
            DnsParseStatus status = response.Parse(full.AsSpan(0, cut));
            Assert.Equal(DnsParseStatus.Truncated, status);
            Assert.Equal(0, response.AddressCount); // the only address record is the last one
        }
        Assert.Equal(DnsParseStatus.Ok, response.Parse(full));
    }

    [Fact]
    public void Curl_google_answer_from_the_capture_parses_to_the_expected_address()
    {
        SharedData.SkipIfAbsent();
        byte[] answer = CaptureAnswers.CurlGoogle();
        var response = new DnsResponse();
        Assert.Equal(DnsParseStatus.Ok, response.Parse(answer));
        Assert.Equal("www.google.com", response.GetName(response.QuestionName).ToString());
        Assert.Equal(DnsRecordType.Aaaa, response.QuestionType);
        Assert.Equal(1, response.AddressCount);
        Assert.Equal(DnsAddress.Parse("2607:f8b0:4004:802::2004"), response.GetAddress(0).Address);
        Assert.Equal(299u, response.GetAddress(0).Ttl);
    }

    [Fact]
    public void Curl_google_answer_truncated_at_every_offset_never_throws_and_never_invents_an_address()
    {
        SharedData.SkipIfAbsent();
        byte[] answer = CaptureAnswers.CurlGoogle();
        var response = new DnsResponse();
        for (int cut = 0; cut < answer.Length; cut++)
        {
            Assert.Equal(DnsParseStatus.Truncated, response.Parse(answer.AsSpan(0, cut)));
            Assert.Equal(0, response.AddressCount);
        }
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(8);
        var response = new DnsResponse();
        byte[] buffer = new byte[600];
        int statuses = 0;
        for (int i = 0; i < 20_000; i++)
        {
            int length = random.Next(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (i % 2 == 0 && length > 3)
            {
                buffer[2] |= 0x80; // mostly responses, so the body is read
                buffer[2] &= 0x87;
            }
            statuses |= 1 << (int)response.Parse(buffer.AsSpan(0, length));
        }
        Assert.NotEqual(0, statuses & (1 << (int)DnsParseStatus.Truncated));
    }

    [Fact]
    public void Flipping_every_byte_of_a_real_shaped_answer_never_throws()
    {
        byte[] full = Messages.CnameChain("192.0.2.44");
        var response = new DnsResponse();
        byte[] copy = new byte[full.Length];
        for (int i = 0; i < full.Length; i++)
        {
            foreach (byte value in (ReadOnlySpan<byte>)[0x00, 0xFF, 0xC0, 0x3F, 0x01])
            {
                full.CopyTo(copy, 0);
                copy[i] = value;
                _ = response.Parse(copy);
            }
        }
    }
}

/// <summary>DNS answers taken from the shared captures at test time (never copied into the repository).</summary>
internal static class CaptureAnswers
{
    /// <summary>The data of the recvfrom exit in curl_google.scap whose tuple has port 53 at either end.</summary>
    public static byte[] CurlGoogle()
    {
        using ScapReader reader = ScapReader.Open(SharedData.Capture("curl_google"));
        reader.ReadHeader(new ScapSnapshot());
        var evt = new ScapEvent();
        while (reader.TryReadEvent(evt))
        {
            if (evt.IsEnter || evt.Info.Name != "recvfrom" || evt.ParamCount < 3)
            {
                continue;
            }
            ReadOnlySpan<byte> tuple = evt.GetParam(2);
            if (HasPort53(tuple))
            {
                return evt.GetParam(1).ToArray();
            }
        }
        throw new InvalidOperationException("no recvfrom on port 53 in curl_google.scap");
    }

    // Socket tuples: family byte, then source address and port, then destination address and port (ports little-endian).
    private static bool HasPort53(ReadOnlySpan<byte> tuple)
    {
        int addressLength = tuple.Length switch
        {
            13 => 4,
            37 => 16,
            _ => 0,
        };
        if (addressLength == 0)
        {
            return false;
        }
        int sport = tuple[1 + addressLength] | (tuple[2 + addressLength] << 8);
        int dport = tuple[3 + (2 * addressLength)] | (tuple[4 + (2 * addressLength)] << 8);
        return sport == 53 || dport == 53;
    }
}
