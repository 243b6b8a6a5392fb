using Flock.Aspire;
using Flock.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Flock client integration for Semantic Kernel in Aspire apps: <c>builder.AddFlockChatCompletion("chat")</c> registers
/// Flock's <see cref="IChatCompletionService"/> from the connection string an AppHost passes with <c>WithReference(model)</c>,
/// with the health check and OpenTelemetry registrations of <c>AddFlockChatClient</c>.
/// </summary>
public static class FlockChatCompletionHostingExtensions
{
    /// <summary>
    /// Registers Flock's <see cref="IChatCompletionService"/> (and text generation) for the connection <paramref name="connectionName"/>;
    /// a <c>Kernel</c> resolved from the container uses it.
    /// </summary>
    /// <param name="builder">The app's host builder.</param>
    /// <param name="connectionName">The connection string's name: the AppHost's model resource name.</param>
    /// <param name="configureSettings">Changes the settings after configuration and the connection string are read.</param>
    /// <param name="configureOptions">Sets what the settings do not cover (timeouts, retries, think tags) on the client's options.</param>
    /// <exception cref="InvalidOperationException">The key or the model is missing, or the connection string is malformed; the message names the configuration path.</exception>
    public static IHostApplicationBuilder AddFlockChatCompletion(
        this IHostApplicationBuilder builder, string connectionName, Action<FlockClientSettings>? configureSettings = null, Action<FlockOptions>? configureOptions = null)
    {
        var options = builder.AddFlockConnection(connectionName, configureSettings, configureOptions);
        builder.Services.AddFlockChatCompletion(options);
        return builder;
    }

    /// <summary>Registers Flock's <see cref="IChatCompletionService"/> keyed by <paramref name="name"/> (SK's service id), for the connection of the same name.</summary>
    /// <param name="builder">The app's host builder.</param>
    /// <param name="name">The connection string's name and the service id.</param>
    /// <param name="configureSettings">Changes the settings after configuration and the connection string are read.</param>
    /// <param name="configureOptions">Sets what the settings do not cover on the client's options.</param>
    /// <exception cref="InvalidOperationException">The key or the model is missing, or the connection string is malformed.</exception>
    public static IHostApplicationBuilder AddKeyedFlockChatCompletion(
        this IHostApplicationBuilder builder, string name, Action<FlockClientSettings>? configureSettings = null, Action<FlockOptions>? configureOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = builder.AddFlockConnection(name, configureSettings, configureOptions);
        builder.Services.AddFlockChatCompletion(options, serviceId: name);
        return builder;
    }
}
