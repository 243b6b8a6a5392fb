using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;
using Microsoft.SemanticKernel.TextGeneration;

namespace Flock.IntegrationTests;

/// <summary>FlockOptions from configuration through the options pattern: binding, start-up validation, keyed registrations.</summary>
public sealed class ConfigurationTests : EmulatorTest
{
    [Fact]
    public async Task Registrations_without_an_http_client_send_through_the_pooled_handler_when_the_app_has_no_client_factory()
    {
        var services = new ServiceCollection();
        services.AddFlockChatClient(Model, Emulator.ApiKey, Emulator.Endpoint);
        services.AddFlockChatCompletion(Model, Emulator.ApiKey, Emulator.Endpoint);
        await using var provider = services.BuildServiceProvider();

        var meai = await provider.GetRequiredService<IChatClient>().GetResponseAsync("One");
        var sk = await provider.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync("Two");

        // No factory was registered or built; the stages ran: the key went in its header.
        Assert.Null(provider.GetService<System.Net.Http.IHttpClientFactory>());
        Assert.False(string.IsNullOrEmpty(meai.Text));
        Assert.False(string.IsNullOrEmpty(sk.Content));
        Assert.Equal(2, Emulator.Requests.Count);
    }

    [Fact]
    public async Task Binds_a_flock_section_and_sends_with_it()
    {
        var configuration = Configuration(new()
        {
            ["Flock:ApiKey"] = Emulator.ApiKey,
            ["Flock:Endpoint"] = Emulator.Endpoint.ToString(),
            ["Flock:ModelId"] = Model,
            ["Flock:RequestTimeout"] = "00:00:30",
            ["Flock:StreamIdleTimeout"] = "00:00:05",
            ["Flock:MaxRetries"] = "1",
            ["Flock:RetryBaseDelay"] = "00:00:00.010",
            ["Flock:EnableSensitiveTelemetryData"] = "true",
        });
        var services = new ServiceCollection();
        services.AddFlockChatCompletion(configuration.GetSection(FlockOptions.SectionName));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptionsMonitor<FlockOptions>>().CurrentValue;
        Assert.Equal(Emulator.ApiKey, options.ApiKey);
        Assert.Equal(Emulator.Endpoint, options.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.StreamIdleTimeout);
        Assert.Equal(1, options.MaxRetries);
        Assert.True(options.EnableSensitiveTelemetryData);

        var chat = provider.GetRequiredService<IChatCompletionService>();
        var reply = await chat.GetChatMessageContentAsync("Configured?");
        Assert.Contains("Configured?", reply.Content);
        Assert.Equal(Model, chat.GetModelId());
        Assert.Equal(Emulator.ApiKey, Emulator.Requests[0].Header("x-litellm-api-key"));
        Assert.Same(chat, provider.GetRequiredService<ITextGenerationService>());
    }

    [Fact]
    public async Task A_missing_key_fails_start_up_validation_naming_ApiKey()
    {
        var configuration = Configuration(new() { ["Flock:ModelId"] = Model });
        var services = new ServiceCollection();
        services.AddFlockChatCompletion(configuration.GetSection(FlockOptions.SectionName));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var atStart = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Flock: ApiKey is missing. Set Flock:ApiKey", atStart.Message);
        var onUse = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IChatCompletionService>());
        Assert.Contains("ApiKey", onUse.Message);
    }

    [Fact]
    public async Task Invalid_settings_are_named_and_the_key_is_not_echoed()
    {
        var services = new ServiceCollection();
        services.AddFlockChatClient(o =>
        {
            o.ApiKey = "sk-secret-value-123";
            o.Endpoint = new Uri("http://flock.example/v1");
            o.RequestTimeout = TimeSpan.Zero;
            o.MaxRetries = 11;
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Endpoint http://flock.example is plain HTTP", error.Message);
        Assert.Contains("RequestTimeout must be positive", error.Message);
        Assert.Contains("MaxRetries must be between 0 and 10", error.Message);
        Assert.DoesNotContain("sk-secret-value-123", error.Message);
    }

    [Fact]
    public async Task Keyed_registrations_bind_their_own_sections()
    {
        var configuration = Configuration(new()
        {
            ["Flock:Fast:ApiKey"] = Emulator.ApiKey,
            ["Flock:Fast:Endpoint"] = Emulator.Endpoint.ToString(),
            ["Flock:Fast:ModelId"] = "qwen3-30b-a3b-instruct-2507",
            ["Flock:Deep:ApiKey"] = Emulator.ApiKey,
            ["Flock:Deep:Endpoint"] = Emulator.Endpoint.ToString(),
            ["Flock:Deep:ModelId"] = "deepseek-v3.1",
        });
        var builder = Kernel.CreateBuilder();
        builder.AddFlockChatCompletion(configuration.GetSection("Flock:Fast"), serviceId: "fast");
        builder.Services.AddFlockChatCompletion(configuration.GetSection("Flock:Deep"), serviceId: "deep");
        var kernel = builder.Build();
        kernel.Services.GetRequiredService<IStartupValidator>().Validate();

        var fast = kernel.GetRequiredService<IChatCompletionService>("fast");
        var deep = kernel.GetRequiredService<ITextGenerationService>("deep");
        await fast.GetChatMessageContentAsync("One");
        await deep.GetTextContentAsync("Two");

        Assert.Equal("qwen3-30b-a3b-instruct-2507", fast.GetModelId());
        Assert.Equal("deepseek-v3.1", deep.GetModelId());
        Assert.Equal(["qwen3-30b-a3b-instruct-2507", "deepseek-v3.1"], Emulator.Requests.Select(r => r.Json!["model"]!.GetValue<string>()));
        Assert.Same(kernel.GetRequiredService<IChatCompletionService>("deep"), deep);
        Assert.Null(kernel.Services.GetService<IChatCompletionService>());
    }

    [Fact]
    public async Task A_keyed_registration_missing_its_key_is_named()
    {
        var configuration = Configuration(new() { ["Flock:Deep:ModelId"] = "deepseek-v3.1" });
        var services = new ServiceCollection();
        services.AddFlockChatCompletion(configuration.GetSection("Flock:Deep"), serviceId: "deep");
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Flock (deep): ApiKey is missing", error.Message);
    }

    [Fact]
    public async Task Chat_client_from_a_configure_delegate_exposes_its_metadata()
    {
        var services = new ServiceCollection();
        services.AddFlockChatClient(o =>
        {
            o.ApiKey = Emulator.ApiKey;
            o.Endpoint = Emulator.Endpoint;
            o.ModelId = Model;
        }, serviceId: "flock").UseOpenTelemetry(sourceName: FlockTelemetry.SourceName);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var client = provider.GetRequiredKeyedService<IChatClient>("flock");
        var response = await client.GetResponseAsync("Delegate?");
        var metadata = client.GetService<ChatClientMetadata>()!;

        Assert.Contains("Delegate?", response.Text);
        Assert.Equal("flock", metadata.ProviderName);
        Assert.Equal(Emulator.Endpoint, metadata.ProviderUri);
        Assert.Equal(Model, metadata.DefaultModelId);
    }

    [Fact]
    public async Task Reloaded_options_never_show_the_key()
    {
        var source = new Dictionary<string, string?> { ["Flock:ApiKey"] = "sk-first-secret", ["Flock:Endpoint"] = Emulator.Endpoint.ToString(), ["Flock:ModelId"] = Model };
        var configuration = (IConfigurationRoot)Configuration(source);
        var services = new ServiceCollection();
        services.AddFlockChatCompletion(configuration.GetSection(FlockOptions.SectionName));
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<FlockOptions>>();
        var seen = new List<string>();
        using var subscription = monitor.OnChange(o => seen.Add(o.ToString()));
        var service = provider.GetRequiredService<IChatCompletionService>();

        configuration["Flock:ApiKey"] = "sk-second-secret";
        configuration.Reload();

        Assert.Equal("sk-second-secret", monitor.CurrentValue.ApiKey);
        Assert.NotEmpty(seen);
        foreach (var text in seen.Append(monitor.CurrentValue.ToString()).Append(service.ToString()!))
        {
            Assert.DoesNotContain("secret", text);
        }

        Assert.Contains("ApiKey = (set)", monitor.CurrentValue.ToString());
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
