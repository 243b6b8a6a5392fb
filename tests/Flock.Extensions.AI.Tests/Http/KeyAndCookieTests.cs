using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>A key that would inject a header is refused when the client is built; the handlers the library builds keep no cookies.</summary>
public sealed class KeyAndCookieTests
{
    [Theory]
    [InlineData("sk-abc\r\nX-Injected: yes")]
    [InlineData("sk-abc\ndef")]
    [InlineData("sk-abc\rdef")]
    [InlineData("sk-abc\0def")]
    [InlineData("sk-abc def")]
    [InlineData("sk-abcé")]
    [InlineData("sk-abc\tdef")]
    public void A_key_with_characters_invalid_in_a_header_is_refused_without_printing_it(string key)
    {
        var ex = Assert.Throws<ArgumentException>(() => new FlockClient(new FlockOptions { ApiKey = key, Endpoint = TestFlock.Endpoint }));
        var chat = Assert.Throws<ArgumentException>(() => new FlockChatClient(TestFlock.Model, key, TestFlock.Endpoint));

        Assert.Equal("apiKey", ex.ParamName);
        Assert.Contains("not allowed in an HTTP header", ex.Message);
        Assert.DoesNotContain("sk-abc", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-abc", chat.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_options_validator_refuses_such_a_key_at_start_up_without_printing_it()
    {
        var services = new ServiceCollection();
        services.AddFlockChatClient(o =>
        {
            o.ApiKey = "sk-secret\r\nX-Evil: 1";
            o.ModelId = TestFlock.Model;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<FlockOptions>>().Get(Options.DefaultName));

        Assert.Contains("ApiKey contains a character that is not allowed in an HTTP header", ex.Message);
        Assert.DoesNotContain("sk-secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_handler_the_library_builds_keeps_no_cookies_and_follows_no_redirects()
    {
        using var handler = FlockClient.CreatePrimaryHandler();

        Assert.False(handler.UseCookies);
        Assert.False(handler.AllowAutoRedirect);
        Assert.Equal(System.Net.DecompressionMethods.All, handler.AutomaticDecompression);
    }

    [Fact]
    public void The_di_client_flock_uses_that_handler_with_the_stages_on_top()
    {
        var services = new ServiceCollection();
        services.AddFlockChatClient(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint);
        services.AddFlockChatClient(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, serviceId: "second");
        services.AddHttpClient(); // the app's factory: the registrations configured the client, it builds it
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<IHttpMessageHandlerFactory>();
        var chain = new List<HttpMessageHandler>();
        for (HttpMessageHandler? h = factory.CreateHandler(FlockChatClientServiceCollectionExtensions.HttpClientName); h is not null; h = (h as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(h);
        }

        var names = chain.Select(h => h.GetType().Name).ToList();
        var ours = names.Where(n => n is nameof(FlockRetryHandler) or nameof(SameOriginRedirectHandler) or nameof(ApiKeyHandler)).ToList();
        Assert.Equal([nameof(FlockRetryHandler), nameof(SameOriginRedirectHandler), nameof(ApiKeyHandler)], ours); // once, in this order
        var primary = Assert.IsType<SocketsHttpHandler>(chain[^1]);
        Assert.False(primary.UseCookies);
        Assert.False(primary.AllowAutoRedirect);
    }

    [Theory]
    [InlineData("https://flock.test/v1/chat/completions", true)]
    [InlineData("https://flock.test/other/path", true)]
    [InlineData("https://evil.test/v1/chat/completions", false)]
    [InlineData("http://flock.test/v1/chat/completions", false)]
    [InlineData("https://flock.test:8443/v1/chat/completions", false)]
    public async Task The_key_stage_puts_the_key_only_on_requests_to_the_endpoints_origin(string uri, bool keyed)
    {
        var handler = new RecordingHandler().EnqueueJson("{}");
        using var invoker = new HttpMessageInvoker(new ApiKeyHandler(handler));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation(ApiKeyHandler.HeaderName, "a key someone put there");
        request.Options.Set(FlockRequestPolicy.Key, new FlockRequestPolicy(TestFlock.Endpoint, TestFlock.ApiKey, 0, TimeSpan.Zero, TimeSpan.Zero, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

        using var _ = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(keyed ? TestFlock.ApiKey : null, handler.SingleRequest.Header(ApiKeyHandler.HeaderName));
    }
}
