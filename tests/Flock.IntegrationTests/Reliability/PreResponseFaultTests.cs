using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Flock.Extensions.AI;
using Flock.Emulator;
using Flock.Tests.Support;

namespace Flock.IntegrationTests.Reliability;

/// <summary>Faults before the response starts, over HTTP against the emulator, through both adapters, streaming or not.</summary>
public sealed class PreResponseFaultTests : EmulatorTest
{
    public static TheoryData<int, string, bool> StatusCases()
    {
        var data = new TheoryData<int, string, bool>();
        foreach (var status in new[] { 400, 401, 403, 404, 408, 429, 500, 502, 503, 504 })
        {
            foreach (var adapter in new[] { "sk", "meai" })
            {
                foreach (var streaming in new[] { false, true })
                {
                    data.Add(status, adapter, streaming);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StatusCases))]
    public async Task Every_error_status_is_a_flock_exception_with_status_and_message_retried_only_when_transient(int status, string adapter, bool streaming)
    {
        var message = $"litellm error {status}: something went wrong upstream";
        Emulator.Enqueue(ScriptedReply.Error(status, message) with { Times = 5 });

        var outcome = await Calls.RunAsync(adapter, streaming, new FlockClient(Options(o => (o.MaxRetries, o.RetryBaseDelay) = (4, TimeSpan.FromMilliseconds(1)))));

        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Contains(message, ex.Message);
        Assert.Equal(status.ToString(CultureInfo.InvariantCulture), ex.ErrorCode);
        Assert.False(ex.DuringStream);
        Assert.Empty(outcome.Texts);
        Assert.DoesNotContain(Emulator.ApiKey, ex.ToString());
        var transient = status is 408 or 429 or >= 500;
        Assert.Equal(transient ? 5 : 1, Emulator.Requests.Count); // 4 retries, as set above
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task Unknown_model_is_the_proxys_400_naming_the_model(string adapter, bool streaming)
    {
        var outcome = await Calls.RunAsync(adapter, streaming, new FlockClient(Options()), model: "no-such-model");

        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("Invalid model name passed in model=no-such-model", ex.Message);
        Assert.Single(Emulator.Requests);
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task Unknown_path_is_a_404_with_the_proxys_message(string adapter, bool streaming)
    {
        var client = new FlockClient(Options(o => o.Endpoint = new Uri(Emulator.Endpoint + "/nowhere")));

        var outcome = await Calls.RunAsync(adapter, streaming, client);

        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("Not Found", ex.Message);
        Assert.Single(Emulator.Requests);
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task Wrong_key_is_a_401_with_the_masked_echo_and_never_the_key(string adapter, bool streaming)
    {
        const string Secret = "sk-wrong-key-that-must-stay-secret-9876";
        var client = new FlockClient(Options(o => o.ApiKey = Secret));

        var outcome = await Calls.RunAsync(adapter, streaming, client);

        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("token_not_found_in_db", ex.ErrorType);
        Assert.Contains("Authentication Error", ex.Message);
        Assert.Contains("sk-...9876", ex.Message);
        Assert.DoesNotContain(Secret, ex.ToString());
        Assert.DoesNotContain(Secret, ex.ResponseContent ?? "");
        Assert.Single(Emulator.Requests);
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task Html_error_page_is_a_readable_message(string adapter, bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.RawBody(502, "text/html", "<html><head><title>502</title></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>") with { Times = 3 });

        var outcome = await Calls.RunAsync(adapter, streaming, new FlockClient(Options()));

        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Contains("502 Bad Gateway", ex.Message);
        Assert.Contains("text/html", ex.Message);
        Assert.DoesNotContain("<h1>", ex.Message);
        Assert.Contains("<h1>", ex.ResponseContent);
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task Non_json_error_body_is_a_flock_exception_with_the_text(string adapter, bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.RawBody(400, "text/plain", "upstream said no: {not json"));

        var outcome = await Calls.RunAsync(adapter, streaming, new FlockClient(Options()));

        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("upstream said no", ex.Message);
        Assert.Null(ex.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task Connection_refused_is_a_flock_exception_after_the_retries(string adapter, bool streaming)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var logs = new CapturingLoggerFactory();
        var options = Options(o =>
        {
            o.Endpoint = new Uri($"http://127.0.0.1:{port}/v1");
            o.MaxRetries = 4;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
        });

        var outcome = await Calls.RunAsync(adapter, streaming, new FlockClient(options, null, logs));

        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.Null(ex.StatusCode);
        Assert.Contains($"Could not reach Flock at http://127.0.0.1:{port}", ex.Message);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(4, logs.Lines.Count(l => l.Contains("retrying in", StringComparison.Ordinal)));
    }
}
