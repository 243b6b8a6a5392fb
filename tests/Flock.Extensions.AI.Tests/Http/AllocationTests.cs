using System.Net;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>Runs alone: these count every byte the process allocates, so no other test may run beside them.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>
/// Memory while refusing stays within a small multiple of the limit, whatever the server sends (64 MiB here, made on the
/// fly without being allocated); measured in allocated bytes, never time. Tool-call assembly is linear: N vs 10N.
/// </summary>
[Collection(nameof(AllocationCollection))]
public sealed class AllocationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Limit = 1024 * 1024;
    private const long Endless = 64L * 1024 * 1024;

    /// <summary>
    /// Runs <paramref name="call"/> once small (JIT and first-call caches warm, without filling the array pool with
    /// buffers of the measured size), then measures it at <see cref="Limit"/> against a body of <see cref="Endless"/> bytes.
    /// </summary>
    private async Task<(Exception? Error, long Allocated)> MeasureAsync(Func<int, long, Task<Exception?>> call, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        await call(1024, 4096);
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = await call(Limit, Endless);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"{name}: {allocated:N0} bytes allocated for a limit of {Limit:N0}");
        return (error, allocated);
    }

    [Fact]
    public async Task Refusing_an_oversized_body_allocates_a_small_multiple_of_the_limit()
    {
        var (error, allocated) = await MeasureAsync(async (limit, length) =>
        {
            var handler = new RecordingHandler().EnqueueStream(new EndlessStream((byte)'{', (byte)' ', length), mediaType: "application/json");
            return (await Transport.CompleteAsync(Transport.Chat(handler, TimeProvider.System, o => o.MaxResponseBytes = limit))).Error;
        });

        Assert.IsType<FlockLimitExceededException>(error);
        Assert.InRange(allocated, 0, 4L * Limit);
    }

    [Fact]
    public async Task Refusing_an_oversized_stream_event_allocates_a_small_multiple_of_the_limit()
    {
        var (error, allocated) = await MeasureAsync(async (limit, length) =>
        {
            var handler = new RecordingHandler().EnqueueStream(new EndlessStream((byte)'d', (byte)'a', length));
            return (await Transport.StreamAsync(Transport.Chat(handler, TimeProvider.System, o => o.MaxStreamEventBytes = limit))).Error;
        });

        Assert.IsType<FlockLimitExceededException>(error);
        Assert.InRange(allocated, 0, 6L * Limit);
    }

    [Fact]
    public async Task A_huge_error_body_costs_about_the_kept_part()
    {
        var (error, allocated) = await MeasureAsync(async (limit, length) =>
        {
            var handler = new RecordingHandler().Enqueue(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway)
            {
                Content = new StreamContent(new EndlessStream((byte)'<', (byte)'x', length)),
            }));
            return (await Transport.CompleteAsync(Transport.Chat(handler, TimeProvider.System, o => o.MaxErrorBodyBytes = limit / 16))).Error;
        });

        // About 0.5 MB to keep 64 KiB (the kept text as a string, the read buffer, the exception), measured at 0.52 MB on
        // .NET 10: the bound leaves about twice that, far below the 64 MiB a read-then-trim would cost.
        const int kept = 64 * 1024;
        Assert.Equal(kept, Assert.IsType<FlockException>(error).ResponseContent!.Length);
        Assert.InRange(allocated, 0, 16L * kept);
    }

    [Fact]
    public void Tool_call_assembly_compares_indices_a_bounded_number_of_times_per_fragment_for_100000_calls()
    {
        static long Comparisons(int calls, bool fragmented)
        {
            var comparer = new CountingComparer();
            var accumulator = new ToolCallAccumulator(comparer);
            var fragments = Enumerable.Range(0, calls).Select(i => new ToolCall { Index = i, Id = $"c{i}", Function = new FunctionCall { Name = "f", Arguments = "{" } }).ToList();
            if (fragmented)
            {
                // A second fragment per call, in reverse order, so each one is found among everything assembled so far.
                fragments.AddRange(Enumerable.Range(0, calls).Reverse().Select(i => new ToolCall { Index = i, Function = new FunctionCall { Arguments = "}" } }));
            }

            accumulator.Add(fragments.ToArray());
            var drained = accumulator.Drain();
            Assert.Equal(calls, drained.Count);
            Assert.All(drained, call => Assert.Equal("{}", call.Arguments));
            return comparer.Calls;
        }

        var n = Comparisons(10_000, fragmented: true);
        var tenN = Comparisons(100_000, fragmented: true);

        // Every key comparison and hash the lookups make goes through the comparer: linear work is a few per fragment, so ten
        // times the calls costs ten times as many; a scan of the calls assembled so far would cost about a hundred times.
        output.WriteLine($"10,000 calls: {n:N0} comparisons; 100,000 calls: {tenN:N0}");
        Assert.InRange(n, 20_000, 4 * 20_000);
        Assert.InRange((double)tenN / n, 8, 12);
    }

    /// <summary>The default comparison of ints, counting every call the lookups make.</summary>
    private sealed class CountingComparer : IEqualityComparer<int>
    {
        public long Calls { get; private set; }

        public bool Equals(int x, int y)
        {
            Calls++;
            return x == y;
        }

        public int GetHashCode(int value)
        {
            Calls++;
            return value;
        }
    }

    [Fact]
    public async Task A_chunk_of_100000_tool_calls_streams_through_the_chat_client_with_allocation_linear_in_n()
    {
        static string Sse(int calls)
        {
            var builder = new System.Text.StringBuilder("data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[");
            for (var i = 0; i < calls; i++)
            {
                builder.Append(i == 0 ? "" : ",").Append("{\"index\":").Append(i).Append(",\"id\":\"call").Append(i).Append("\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}");
            }

            return builder.Append("]},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n").ToString();
        }

        async Task<(int Calls, long Allocated)> RunAsync(int calls)
        {
            var sse = System.Text.Encoding.UTF8.GetBytes(Sse(calls));
            var chat = Transport.Chat(new RecordingHandler().EnqueueSse(sse), TimeProvider.System, o => o.MaxStreamEventBytes = 64 * 1024 * 1024);
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var count = 0;
            await foreach (var update in chat.GetStreamingResponseAsync(Calls.Messages()))
            {
                count += update.Contents.OfType<Microsoft.Extensions.AI.FunctionCallContent>().Count();
            }

            return (count, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        await RunAsync(100);
        var (n, small) = await RunAsync(10_000);
        var (tenN, large) = await RunAsync(100_000);

        output.WriteLine($"10,000 calls: {small:N0} bytes; 100,000 calls: {large:N0} bytes; ratio {(double)large / small:F2}");
        Assert.Equal(10_000, n);
        Assert.Equal(100_000, tenN);
        Assert.InRange((double)large / small, 5, 20); // a quadratic assembly would be about 100
    }

    /// <summary>A body of <paramref name="length"/> bytes, made on the fly: one first byte, then filler.</summary>
    private sealed class EndlessStream(byte first, byte filler, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = (int)Math.Min(buffer.Length, length - _position);
            var span = buffer.Span[..count];
            span.Fill(filler);
            if (_position == 0 && count > 0)
            {
                span[0] = first;
            }

            _position += count;
            return ValueTask.FromResult(count);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().Result;
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
