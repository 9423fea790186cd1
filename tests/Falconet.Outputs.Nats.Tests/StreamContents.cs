using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Falconet.Outputs.Nats.Tests;

/// <summary>One message read back from the stream: its subject, message id header and payload.</summary>
internal sealed record StoredAlert(string Subject, string? MessageId, string Json);

/// <summary>Reads a whole stream back with a durable pull consumer, as the consumer in docs/operations.md does.</summary>
internal static class StreamContents
{
    public static async Task<List<StoredAlert>> ReadAllAsync(string url, string stream, string? filter = null)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using NatsConnection connection = new(NatsOpts.Default with { Url = url });
        NatsJSContext js = new(connection);
        INatsJSStream info = await js.GetStreamAsync(stream, cancellationToken: ct);
        long stored = (long)info.Info.State.Messages;
        INatsJSConsumer consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("reader-" + Guid.NewGuid().ToString("N")[..8])
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            FilterSubject = filter,
        }, ct);
        List<StoredAlert> read = [];
        // Bounded: each fetch waits at most 2 s, and there are at most as many rounds as messages plus a few.
        for (int round = 0; round < stored + 5; round++)
        {
            int before = read.Count;
            await foreach (NatsJSMsg<byte[]> msg in consumer.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 500, Expires = TimeSpan.FromSeconds(2) }, cancellationToken: ct))
            {
                string? id = msg.Headers is { } h && h.TryGetValue("Nats-Msg-Id", out Microsoft.Extensions.Primitives.StringValues v) ? v.ToString() : null;
                read.Add(new StoredAlert(msg.Subject, id, Encoding.UTF8.GetString(msg.Data ?? [])));
                await msg.AckAsync(cancellationToken: ct);
            }
            if (read.Count == before)
            {
                break;
            }
        }
        return read;
    }
}
