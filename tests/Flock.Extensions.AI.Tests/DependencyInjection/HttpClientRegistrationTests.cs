using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Flock.Extensions.AI.Tests.DependencyInjection;

/// <summary>
/// Registrations send with the <see cref="IHttpClientFactory"/> client <c>"Flock"</c> when the app's container has a factory,
/// and never register one themselves: one given an <see cref="HttpClient"/> sends with that client, one without sends with
/// the library's pooled handler, and neither pays for building a factory.
/// </summary>
public sealed class HttpClientRegistrationTests
{
    [Fact]
    public async Task A_chat_client_given_an_http_client_sends_with_it_and_registers_no_client_factory()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var services = new ServiceCollection();
        services.AddFlockChatClient(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, httpClient: new HttpClient(handler));

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHttpClientFactory));
        using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hi");
        Assert.Equal(TestFlock.ApiKey, handler.SingleRequest.Header("x-litellm-api-key"));
    }

    [Fact]
    public void An_image_generator_given_an_http_client_registers_no_client_factory()
    {
        var services = new ServiceCollection();
#pragma warning disable MEAI001 // The image generator is experimental in MEAI.
        services.AddFlockImageGenerator(new FlockOptions { ApiKey = TestFlock.ApiKey, Endpoint = TestFlock.Endpoint, ModelId = "image-model" }, httpClient: new HttpClient());
#pragma warning restore MEAI001

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHttpClientFactory));
    }

    [Fact]
    public async Task A_chat_client_without_one_sends_with_the_named_factory_client()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var services = new ServiceCollection();
        services.AddFlockChatClient(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint);
        services.AddHttpClient(FlockChatClientServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hi");

        Assert.Equal(TestFlock.ApiKey, handler.SingleRequest.Header("x-litellm-api-key"));
    }

    [Fact]
    public async Task A_factory_the_app_registers_after_the_client_is_the_one_sent_with()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var services = new ServiceCollection();
        services.AddFlockChatClient(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint);
        services.AddHttpClient().ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hi");

        Assert.Equal(TestFlock.ApiKey, handler.SingleRequest.Header("x-litellm-api-key"));
    }

    [Fact]
    public void Configuring_the_flock_client_registers_no_factory_nor_options_and_an_apps_factory_builds_it_with_the_stages_once()
    {
        var services = new ServiceCollection();
        services.ConfigureFlockHttpClient().ConfigureFlockHttpClient();

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHttpClientFactory));
        // Nor the options services: only a factory reads the client's options, and registering one adds them.
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(Microsoft.Extensions.Options.IOptionsMonitor<>));
        Assert.Single(services, d => d.ServiceType == typeof(Microsoft.Extensions.Options.IConfigureOptions<Microsoft.Extensions.Http.HttpClientFactoryOptions>));
        services.AddHttpClient();
        using var provider = services.BuildServiceProvider();
        var names = new List<string>();
        for (HttpMessageHandler? h = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(FlockChatClientServiceCollectionExtensions.HttpClientName);
             h is not null;
             h = (h as DelegatingHandler)?.InnerHandler)
        {
            names.Add(h.GetType().Name);
        }

        Assert.Equal(["FlockRetryHandler", "RateLimitGateHandler", "SameOriginRedirectHandler", "ApiKeyHandler"], names.Where(n => n.StartsWith("Flock", StringComparison.Ordinal) || n is "RateLimitGateHandler" or "SameOriginRedirectHandler" or "ApiKeyHandler"));
        Assert.Equal("SocketsHttpHandler", names[^1]);
        Assert.Equal(Timeout.InfiniteTimeSpan, provider.GetRequiredService<IHttpClientFactory>().CreateClient(FlockChatClientServiceCollectionExtensions.HttpClientName).Timeout);
    }
}
