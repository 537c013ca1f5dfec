using System.Diagnostics;
using Herald.Consuming;
using Herald.DeadLetters;
using Herald.Publishing;
using Herald.Testing;

namespace Herald.Tests.Sdk;

public sealed class TracingTests
{
    /// <summary>The "checkout service" whose request publishes the event: the root of each test's trace.</summary>
    private const string CheckoutSource = "Herald.Tests.Checkout";

    private static readonly ActivitySource Checkout = new(CheckoutSource);

    private static readonly RetryPolicy FastRetries = new() { ImmediateRetries = 1, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(20) };

    private static SpanRecorder RecordSpans() => new(s => s.Name == CheckoutSource || s.Name.StartsWith("Herald.Sdk.", StringComparison.Ordinal));

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    [Fact]
    public async Task One_trace_follows_an_event_from_the_publishing_request_through_the_broker_into_the_handler()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("traced");
        var group = TestBroker.UniqueName("g");
        var user = TestBroker.UniqueName("user");
        using var spans = RecordSpans();
        await using var consumer = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<FlakyHandler>(topic, group));
        await using var checkout = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic));

        ActivityTraceId traceId;
        ActivitySpanId rootId;
        PublishResult published;
        using (var request = Checkout.StartActivity("POST /signup", ActivityKind.Server)!)
        {
            request.TraceStateString = "checkout=canary";
            traceId = request.TraceId;
            rootId = request.SpanId;
            published = await checkout.Publisher.PublishAsync(new UserCreated(user, "trace@example.com"));
        }

        await SdkHost.WaitUntilAsync(() => spans.Trace(traceId).Any(s => s.Kind == ActivityKind.Consumer), "the process span");
        var trace = spans.Trace(traceId);

        var send = Assert.Single(trace, s => s.Source.Name == "Herald.Sdk.Publisher");
        Assert.Equal($"send {topic}", send.DisplayName);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(rootId, send.ParentSpanId);
        Assert.Equal("kafka", Tag(send, "messaging.system"));
        Assert.Equal(topic, Tag(send, "messaging.destination.name"));
        Assert.Equal("send", Tag(send, "messaging.operation.type"));
        Assert.Equal(published.EventId.ToString(), Tag(send, "messaging.message.id"));
        Assert.Equal(user, Tag(send, "messaging.kafka.message.key"));
        Assert.Equal(published.Partition.ToString(), Tag(send, "messaging.destination.partition.id"));
        Assert.Equal(published.Offset.ToString(), Tag(send, "messaging.kafka.offset"));

        // What any Kafka client sees on the record: the send span's context in W3C form.
        var record = TopicReader.Read(server.KafkaBootstrap, topic, 1)[0];
        Assert.Equal($"00-{traceId}-{send.SpanId}-01", TopicReader.Header(record, "traceparent"));
        Assert.Equal("checkout=canary", TopicReader.Header(record, "tracestate"));

        var process = Assert.Single(trace, s => s.Source.Name == "Herald.Sdk.Consumer" && s.Kind == ActivityKind.Consumer);
        Assert.Equal($"process {topic}", process.DisplayName);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        Assert.Contains(process.Links, l => l.Context.SpanId == send.SpanId && l.Context.TraceId == traceId);
        Assert.Equal("checkout=canary", process.TraceStateString);
        Assert.Equal("kafka", Tag(process, "messaging.system"));
        Assert.Equal(topic, Tag(process, "messaging.destination.name"));
        Assert.Equal("process", Tag(process, "messaging.operation.type"));
        Assert.Equal(group, Tag(process, "messaging.consumer.group.name"));
        Assert.Equal(published.EventId.ToString(), Tag(process, "messaging.message.id"));
        Assert.Equal(user, Tag(process, "messaging.kafka.message.key"));
        Assert.Equal(published.Partition.ToString(), Tag(process, "messaging.destination.partition.id"));
        Assert.Equal(published.Offset.ToString(), Tag(process, "messaging.kafka.offset"));
        Assert.Equal("handled", Tag(process, "herald.outcome"));

        var handler = Assert.Single(trace, s => s.OperationName == "handle UserCreated");
        Assert.Equal(ActivityKind.Internal, handler.Kind);
        Assert.Equal(process.SpanId, handler.ParentSpanId);
        Assert.Equal(typeof(FlakyHandler).FullName, Tag(handler, "herald.handler"));
        Assert.NotEqual(ActivityStatusCode.Error, handler.Status);
    }

    [Fact]
    public async Task Failed_handler_runs_are_error_spans_without_pii_and_the_dead_letter_keeps_the_trace_context()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("traced-fails");
        var user = TestBroker.UniqueName("user");
        using var spans = RecordSpans();
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<FailingHandler>(topic, TestBroker.UniqueName("g"), c => c.Retry(FastRetries)));

        ActivityTraceId traceId;
        using (var request = Checkout.StartActivity("POST /signup", ActivityKind.Server)!)
        {
            traceId = request.TraceId;
            await host.Publisher.PublishAsync(new UserCreated(user, "secret@example.com"));
        }

        await SdkHost.WaitUntilAsync(() => spans.Trace(traceId).Any(s => Tag(s, "herald.outcome") == "dead-letter"), "the dead-lettered process span");
        var trace = spans.Trace(traceId);
        var send = Assert.Single(trace, s => s.Source.Name == "Herald.Sdk.Publisher");
        var process = Assert.Single(trace, s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(ActivityStatusCode.Error, process.Status);
        Assert.Equal(DeadLetterReasons.HandlerFailed, Tag(process, "herald.dead_letter.reason"));

        var runs = trace.Where(s => s.OperationName == "handle UserCreated").OrderBy(s => Convert.ToInt32(s.GetTagItem("herald.attempt"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(FastRetries.MaxAttempts, runs.Count);
        Assert.Equal(["1", "2", "3"], runs.Select(r => Tag(r, "herald.attempt")));
        Assert.All(runs, r =>
        {
            Assert.Equal(process.SpanId, r.ParentSpanId);
            Assert.Equal(ActivityStatusCode.Error, r.Status);
            Assert.Equal("mail server rejected ***", r.StatusDescription);
            Assert.Equal(typeof(InvalidOperationException).FullName, Tag(r, "error.type"));
        });
        Assert.DoesNotContain(trace, s => (s.StatusDescription ?? string.Empty).Contains("secret@example.com", StringComparison.Ordinal)
            || s.TagObjects.Any(t => t.Value?.ToString()?.Contains("secret@example.com", StringComparison.Ordinal) == true)
            || s.Events.Any());

        var deadLetter = TopicReader.Read(server.KafkaBootstrap, DeadLetterHeaders.TopicFor(topic), 1)[0];
        Assert.Equal($"00-{traceId}-{send.SpanId}-01", TopicReader.Header(deadLetter, "traceparent"));
    }

    [Fact]
    public async Task Events_handled_together_in_one_batch_each_continue_their_own_trace()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("traced-batch");
        var user = TestBroker.UniqueName("user");
        using var spans = RecordSpans();
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<FlakyHandler>(topic, TestBroker.UniqueName("g")), start: false);

        // Three requests publish before the host starts, under one key: the first poll finds all three in one partition.
        var traces = new List<(ActivityTraceId Trace, Guid EventId)>();
        for (int sequence = 0; sequence < 3; sequence++)
        {
            using var request = Checkout.StartActivity("POST /signup", ActivityKind.Server)!;
            var published = await host.Publisher.PublishAsync(new UserCreated(user, "batch@example.com", sequence));
            traces.Add((request.TraceId, published.EventId));
        }

        await host.StartAsync();
        await SdkHost.WaitUntilAsync(() => traces.All(t => spans.Trace(t.Trace).Any(s => s.Kind == ActivityKind.Consumer)), "a process span in each trace");

        foreach (var (traceId, eventId) in traces)
        {
            var trace = spans.Trace(traceId);
            var send = Assert.Single(trace, s => s.Kind == ActivityKind.Producer);
            var process = Assert.Single(trace, s => s.Kind == ActivityKind.Consumer);
            var handler = Assert.Single(trace, s => s.OperationName == "handle UserCreated");
            Assert.Equal(send.SpanId, process.ParentSpanId);
            Assert.Equal(process.SpanId, handler.ParentSpanId);
            Assert.Equal(eventId.ToString(), Tag(process, "messaging.message.id"));
            Assert.Equal("handled", Tag(process, "herald.outcome"));
        }
    }
}
