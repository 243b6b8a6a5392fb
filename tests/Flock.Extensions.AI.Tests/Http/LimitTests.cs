using System.IO.Compression;
using System.Net;
using System.Text;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// The size limits: a body, an error body and one stream event of exactly N bytes pass whole, N + 1 is refused (or, for the
/// error body, cut) with an error naming the limit; bytes are counted after decompression.
/// </summary>
public sealed class LimitTests
{
    private static readonly TimeProvider Clock = TimeProvider.System;

    [Fact]
    public async Task A_body_of_exactly_max_response_bytes_is_read_and_one_more_byte_is_refused()
    {
        var json = TestFiles.Read("completion.json");
        var n = Encoding.UTF8.GetByteCount(json);
        var handler = new RecordingHandler().EnqueueJson(json).EnqueueJson(json + " ");
        var chat = Transport.Chat(handler, Clock, o => o.MaxResponseBytes = n);

        var (ok, okError) = await Transport.CompleteAsync(chat);
        var (_, error) = await Transport.CompleteAsync(chat);

        Assert.Null(okError);
        Assert.Equal("Hello! How can I help you today?", ok!.Text);
        var ex = Assert.IsType<FlockLimitExceededException>(error);
        Assert.Equal("MaxResponseBytes", ex.LimitName);
        Assert.Equal(n, ex.Limit);
        Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
        Assert.Contains("FlockOptions.MaxResponseBytes", ex.Message);
    }

    [Fact]
    public async Task A_body_without_a_length_is_counted_as_it_arrives()
    {
        var json = TestFiles.Read("completion.json") + " ";
        var handler = new RecordingHandler().EnqueueStream(new PacedStream(Clock, Encoding.UTF8.GetBytes(json).Chunk(7).Select(c => (TimeSpan.Zero, c))), mediaType: "application/json");

        var (_, error) = await Transport.CompleteAsync(Transport.Chat(handler, Clock, o => o.MaxResponseBytes = json.Length - 1));

        Assert.Equal("MaxResponseBytes", Assert.IsType<FlockLimitExceededException>(error).LimitName);
    }

    [Fact]
    public async Task The_limit_counts_decompressed_bytes_so_a_small_gzip_bomb_is_refused()
    {
        var inflated = Encoding.UTF8.GetBytes("{\"id\":\"x\",\"pad\":\"" + new string('a', 4 * 1024 * 1024) + "\"}");
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(inflated);
        }

        Assert.True(compressed.Length < 64 * 1024, $"{compressed.Length} compressed bytes");
        compressed.Position = 0;
        // What a handler with AutomaticDecompression hands over: the decompressing stream.
        var handler = new RecordingHandler().EnqueueStream(new GZipStream(compressed, CompressionMode.Decompress), mediaType: "application/json");

        var (_, error) = await Transport.CompleteAsync(Transport.Chat(handler, Clock, o => o.MaxResponseBytes = 1024 * 1024));

        Assert.Equal(1024 * 1024, Assert.IsType<FlockLimitExceededException>(error).Limit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_error_body_of_max_error_body_bytes_is_kept_whole_and_a_longer_one_is_cut_there(bool oneMore)
    {
        const int N = 300;
        var body = "<html>" + new string('e', N - 13) + "</html>" + (oneMore ? "x" : "");
        Assert.Equal(oneMore ? N + 1 : N, Encoding.UTF8.GetByteCount(body));
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.BadGateway, body, "text/html");

        var (_, error) = await Transport.CompleteAsync(Transport.Chat(handler, Clock, o => o.MaxErrorBodyBytes = N));

        var ex = Assert.IsType<FlockException>(error);
        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Equal(body[..N], ex.ResponseContent);
        Assert.Equal(oneMore, ex.Message.Contains("cut at FlockOptions.MaxErrorBodyBytes = 300", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stream_event_of_exactly_max_stream_event_bytes_passes_and_one_more_byte_fails_the_stream()
    {
        var small = Transport.Event("fits");
        var n = Encoding.UTF8.GetByteCount(small) - 1; // the event's line and its end, without the blank line after it
        var handler = new RecordingHandler()
            .EnqueueSse(small + Transport.Done)
            .EnqueueSse(Transport.Event("fits") + Transport.Event("fitsX") + Transport.Done);
        var chat = Transport.Chat(handler, Clock, o => o.MaxStreamEventBytes = n);

        var (text, okError) = await Transport.StreamAsync(chat);
        var (partial, error) = await Transport.StreamAsync(chat);

        Assert.Null(okError);
        Assert.Equal("fits", text);
        Assert.Equal("fits", partial);
        var ex = Assert.IsType<FlockLimitExceededException>(error);
        Assert.Equal("MaxStreamEventBytes", ex.LimitName);
        Assert.Equal(n, ex.Limit);
        Assert.True(ex.DuringStream);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task An_event_split_over_several_data_lines_counts_all_its_lines_whatever_the_line_ends(string eol)
    {
        // Two data lines of 40 bytes each plus their line ends: one event of 80 + 2 × eol bytes.
        var line = "data: " + new string(' ', 34);
        var sse = $"{line}{eol}data: {{\"choices\":[]}}{new string(' ', 20)}{eol}{eol}data: [DONE]{eol}{eol}";
        var eventBytes = line.Length + eol.Length + 6 + 14 + 20 + eol.Length;
        var fits = Transport.Chat(new RecordingHandler().EnqueueSse(sse), Clock, o => o.MaxStreamEventBytes = eventBytes);
        var over = Transport.Chat(new RecordingHandler().EnqueueSse(sse), Clock, o => o.MaxStreamEventBytes = eventBytes - 1);

        Assert.Null((await Transport.StreamAsync(fits)).Error);
        Assert.IsType<FlockLimitExceededException>((await Transport.StreamAsync(over)).Error);
    }

    [Fact]
    public void Buffer_growth_past_one_gibibyte_does_not_overflow()
    {
        // The former `Length * 2` turned 2^30 into a negative size; growth is now capped at limit + 1.
        Assert.Equal(FlockClient.MaxLimit + 1, PooledResponseBody.NextSize(1 << 30, FlockClient.MaxLimit + 1));
        Assert.Equal(1 << 21, PooledResponseBody.NextSize(1 << 20, int.MaxValue));
        Assert.Equal(1000, PooledResponseBody.NextSize(600, 1000));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Limits_out_of_range_are_refused_naming_the_setting(int value)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Transport.Client(new RecordingHandler(), Clock, o => o.MaxStreamEventBytes = value));

        Assert.Equal("MaxStreamEventBytes", ex.ParamName);
    }
}
