using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;

namespace Flock.SemanticKernel.Tests.Extensions;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task Kernel_builder_registers_the_chat_completion_service_with_the_given_http_client()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var kernel = Kernel.CreateBuilder()
            .AddFlockChatCompletion(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, httpClient: new HttpClient(handler))
            .Build();

        var service = kernel.GetRequiredService<IChatCompletionService>();
        var reply = await service.GetChatMessageContentAsync("Hi");

        Assert.IsType<FlockChatCompletionService>(service);
        Assert.Equal(TestFlock.Model, service.GetModelId());
        Assert.Equal(TestFlock.Endpoint.ToString(), service.GetEndpoint());
        Assert.Equal("Hello! How can I help you today?", reply.Content);
        JsonAssert.Equal(Calls.Body(""), handler.SingleRequest.Body);
        Assert.Equal(TestFlock.ApiKey, handler.SingleRequest.Header("x-litellm-api-key"));
    }

    [Fact]
    public async Task Keyed_services_by_service_id()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json")).EnqueueJson(TestFiles.Read("completion.json"));
        var http = new HttpClient(handler);
        var kernel = Kernel.CreateBuilder()
            .AddFlockChatCompletion("model-a", TestFlock.ApiKey, TestFlock.Endpoint, serviceId: "flock-a", httpClient: http)
            .AddFlockChatCompletion(new FlockOptions { ApiKey = TestFlock.ApiKey, Endpoint = TestFlock.Endpoint, ModelId = "model-b" }, serviceId: "flock-b", httpClient: http)
            .Build();

        var a = kernel.Services.GetRequiredKeyedService<IChatCompletionService>("flock-a");
        var b = kernel.GetRequiredService<IChatCompletionService>("flock-b");
        await a.GetChatMessageContentAsync("Hi");
        await b.GetChatMessageContentAsync("Hi");

        Assert.Equal("model-a", a.GetModelId());
        Assert.Equal("model-b", b.GetModelId());
        Assert.Equal(["model-a", "model-b"], handler.Requests.Select(r => JsonAssert.Object(r.Body)["model"]!.GetValue<string>()));
        Assert.Null(kernel.Services.GetService<IChatCompletionService>());
    }

    [Fact]
    public async Task Kernel_prompt_invocation_picks_the_service_and_sends_the_settings()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var http = new HttpClient(handler);
        var kernel = Kernel.CreateBuilder()
            .AddFlockChatCompletion("model-a", TestFlock.ApiKey, TestFlock.Endpoint, serviceId: "flock-a", httpClient: http)
            .AddFlockChatCompletion("model-b", TestFlock.ApiKey, TestFlock.Endpoint, serviceId: "flock-b", httpClient: http)
            .Build();

        var result = await kernel.InvokePromptAsync("Say hi", new KernelArguments(new FlockPromptExecutionSettings { ServiceId = "flock-b", Temperature = 0.2, MaxTokens = 10 }));

        Assert.Equal("Hello! How can I help you today?", result.ToString());
        JsonAssert.Equal("""
            {"model": "model-b", "messages": [{"role": "user", "content": "Say hi"}], "temperature": 0.2, "max_tokens": 10}
            """, handler.SingleRequest.Body);
    }

    [Fact]
    public async Task Chat_client_builder_applies_middleware_and_exposes_metadata()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var services = new ServiceCollection();
        var calls = 0;
        services.AddFlockChatClient(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, httpClient: new HttpClient(handler))
            .Use((messages, options, inner, ct) =>
            {
                calls++;
                return inner.GetResponseAsync(messages, options, ct);
            }, null);
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();
        var metadata = client.GetService<ChatClientMetadata>()!;
        var response = await client.GetResponseAsync("Hi");

        Assert.IsNotType<FlockChatClient>(client); // wrapped by the middleware
        Assert.NotNull(client.GetService<FlockChatClient>());
        Assert.Equal("flock", metadata.ProviderName);
        Assert.Equal(TestFlock.Endpoint, metadata.ProviderUri);
        Assert.Equal(TestFlock.Model, metadata.DefaultModelId);
        Assert.Equal(1, calls);
        Assert.Equal("Hello! How can I help you today?", response.Text);
        JsonAssert.Equal(Calls.Body(""), handler.SingleRequest.Body);
    }

    [Fact]
    public async Task Keyed_chat_client()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var services = new ServiceCollection();
        services.AddFlockChatClient(new FlockOptions { ApiKey = TestFlock.ApiKey, Endpoint = TestFlock.Endpoint, ModelId = "model-k" }, serviceId: "k", httpClient: new HttpClient(handler));
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredKeyedService<IChatClient>("k");
        await client.GetResponseAsync("Hi");

        Assert.Null(provider.GetService<IChatClient>());
        Assert.Equal("model-k", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Equal("model-k", JsonAssert.Object(handler.SingleRequest.Body)["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_service_given_an_http_client_sends_with_it_and_registers_no_client_factory()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var services = new ServiceCollection();
        services.AddFlockChatCompletion(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, httpClient: new HttpClient(handler));
        services.AddFlockTextToImage(new FlockOptions { ApiKey = TestFlock.ApiKey, Endpoint = TestFlock.Endpoint, ModelId = "image-model" }, httpClient: new HttpClient(handler));

        // The factory client is registered for registrations that send with it only: these never ask for it.
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHttpClientFactory));
        using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync("Hi");
        Assert.Equal(TestFlock.ApiKey, handler.SingleRequest.Header("x-litellm-api-key"));
    }

    [Fact]
    public async Task Without_an_http_client_the_named_factory_client_is_used()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json")).EnqueueJson(TestFiles.Read("completion.json"));
        var services = new ServiceCollection();
        services.AddFlockChatClient(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint);
        services.AddFlockChatCompletion(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint);
        services.AddHttpClient(FlockChatClientServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hi");
        await provider.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync("Hi");

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public void Options_registered_are_a_snapshot()
    {
        var options = new FlockOptions { ApiKey = TestFlock.ApiKey, Endpoint = TestFlock.Endpoint, ModelId = "first" };
        var services = new ServiceCollection();
        services.AddFlockChatCompletion(options, httpClient: new HttpClient(new RecordingHandler()));
        options.ModelId = "second";
        using var provider = services.BuildServiceProvider();

        Assert.Equal("first", provider.GetRequiredService<IChatCompletionService>().GetModelId());
    }
}
