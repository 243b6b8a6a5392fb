using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;

namespace Flock.Benchmarks;

/// <summary>The four paths under test, each over an in-process canned handler (with the given response headers too).</summary>
public sealed class Adapters
{
    public const string Key = "sk-benchmark";
    private static readonly Uri Endpoint = new("https://api.flock.io/v1");

    public Adapters(byte[] body, string mediaType, (string Name, string Value)[]? headers = null)
    {
        var http = new HttpClient(new CannedHandler(body, mediaType, headers));
        FlockSk = new FlockChatCompletionService(new FlockClient(new FlockOptions { ApiKey = Key, Endpoint = Endpoint, ModelId = CannedBodies.Model, MaxRetries = 0 }, http), CannedBodies.Model);
        FlockMeai = new FlockChatClient(new FlockClient(new FlockOptions { ApiKey = Key, Endpoint = Endpoint, ModelId = CannedBodies.Model, MaxRetries = 0 }, http), CannedBodies.Model);
        SkOpenAI = new OpenAIChatCompletionService(CannedBodies.Model, Endpoint, Key, httpClient: http);
        var openAIClient = new OpenAIClient(new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = Endpoint, Transport = new HttpClientPipelineTransport(http), RetryPolicy = new ClientRetryPolicy(0) });
        MeaiOpenAI = openAIClient.GetChatClient(CannedBodies.Model).AsIChatClient();
        FlockMeaiWithTelemetry = FlockMeai.AsBuilder().UseOpenTelemetry(sourceName: "Flock.Benchmarks.Unheard").Build();
    }

    public IChatCompletionService FlockSk { get; }
    public IChatClient FlockMeai { get; }
    public IChatCompletionService SkOpenAI { get; }
    public IChatClient MeaiOpenAI { get; }

    /// <summary><see cref="FlockMeai"/> under MEAI's telemetry client, on a source nobody listens to.</summary>
    public IChatClient FlockMeaiWithTelemetry { get; }
}
