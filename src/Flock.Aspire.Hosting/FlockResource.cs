namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The Flock LLM API in the app model: its endpoint and its API key (a secret parameter), or the emulator that stands in
/// for it. Models are its children (<see cref="FlockModelResource"/>); its connection string is <c>Endpoint=…;Key=…</c>.
/// </summary>
public sealed class FlockResource : Resource, IResourceWithConnectionString
{
    /// <summary>The endpoint used unless <c>WithEndpoint</c> sets another: <c>https://api.flock.io/v1</c>.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://api.flock.io/v1");

    internal FlockResource(string name, ParameterResource apiKey)
        : base(name)
    {
        ApiKey = DefaultApiKey = apiKey;
    }

    /// <summary>The API key parameter (secret); the connection strings carry it unless the resource is emulated.</summary>
    public ParameterResource ApiKey { get; internal set; }

    /// <summary>The real service's API base address; default <see cref="DefaultEndpoint"/>.</summary>
    public Uri Endpoint { get; internal set; } = DefaultEndpoint;

    /// <summary>The emulator that stands in for the service after <c>RunAsEmulator</c>; null for the real service.</summary>
    public FlockEmulatorResource? Emulator { get; internal set; }

    /// <summary>True after <c>RunAsEmulator</c>: clients are pointed at the emulator, and the key parameter is not used by them.</summary>
    public bool IsEmulated => Emulator is not null;

    /// <summary>The API base address clients are given: the emulator's (<c>http://localhost:&lt;port&gt;/v1</c>) or <see cref="Endpoint"/>.</summary>
    public ReferenceExpression EndpointExpression => Emulator is { } emulator
        ? ReferenceExpression.Create($"{emulator.HttpEndpoint.Property(EndpointProperty.Url)}/v1")
        : ReferenceExpression.Create($"{Endpoint.AbsoluteUri.TrimEnd('/')}");

    /// <summary>The key clients are given: the emulator's own key, or the <see cref="ApiKey"/> parameter.</summary>
    public ReferenceExpression KeyExpression => Emulator is { } emulator
        ? ReferenceExpression.Create($"{emulator.ApiKey}")
        : ReferenceExpression.Create($"{ApiKey}");

    /// <summary><c>Endpoint=…;Key=…</c>: the models add <c>;Model=…</c>.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"Endpoint={EndpointExpression};Key={KeyExpression}");

    internal ParameterResource DefaultApiKey { get; }

    // The key is left out of the connection properties: Aspire would pass it as one more variable ({NAME}_KEY) beside the
    // connection string, a second copy of the secret in the environment. Clients read it from the connection string.
    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("Endpoint", EndpointExpression);
    }
}

/// <summary>A Flock model, the child of a <see cref="FlockResource"/>: its connection string is <c>Endpoint=…;Key=…;Model=…</c>, for <c>WithReference</c>.</summary>
public sealed class FlockModelResource : Resource, IResourceWithParent<FlockResource>, IResourceWithConnectionString
{
    internal FlockModelResource(string name, string model, FlockResource parent)
        : base(name)
    {
        Model = model;
        Parent = parent;
    }

    /// <summary>The model id, e.g. <c>qwen3-30b-a3b-instruct-2507</c>.</summary>
    public string Model { get; }

    /// <summary>The Flock resource the model is served by.</summary>
    public FlockResource Parent { get; }

    /// <summary><c>Endpoint=…;Key=…;Model=…</c>, read by <c>Flock.Aspire</c>'s <c>AddFlockChatClient</c>.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Model={Model}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        // Not the key: see FlockResource.
        yield return new("Endpoint", Parent.EndpointExpression);
        yield return new("Model", ReferenceExpression.Create($"{Model}"));
    }
}

/// <summary>
/// The Flock emulator, run by <c>RunAsEmulator</c> as an executable child of a <see cref="FlockResource"/> on a dynamic
/// port: <c>dotnet Flock.Emulator.Tool.dll</c> from the AppHost's output.
/// </summary>
public sealed class FlockEmulatorResource : ExecutableResource, IResourceWithParent<FlockResource>
{
    /// <summary>The name of the emulator's HTTP endpoint.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>The key the emulator accepts and the clients are given.</summary>
    public const string DefaultApiKey = "sk-flock-emulator";

    internal FlockEmulatorResource(string name, string command, string workingDirectory, FlockResource parent)
        : base(name, command, workingDirectory)
    {
        Parent = parent;
    }

    /// <summary>The Flock resource the emulator stands in for.</summary>
    public FlockResource Parent { get; }

    /// <summary>The emulator's HTTP endpoint (the server root; the API is under <c>/v1</c>).</summary>
    public EndpointReference HttpEndpoint => field ??= new(this, HttpEndpointName);

    /// <summary>The key the emulator accepts: <see cref="DefaultApiKey"/>. It is not a secret: the emulator serves loopback only.</summary>
    public string ApiKey => DefaultApiKey;

    internal string? ScriptPath { get; set; }

    internal string? RecordDirectory { get; set; }

    internal string? ReplayDirectory { get; set; }
}
