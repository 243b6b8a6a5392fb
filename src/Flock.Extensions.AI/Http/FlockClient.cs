using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flock.Extensions.AI;

/// <summary>
/// The HTTP transport to Flock: endpoint, auth header, validation, retries, timeouts and error mapping.
/// Knows nothing of Semantic Kernel or Microsoft.Extensions.AI; both adapters sit on one instance.
/// </summary>
public sealed partial class FlockClient
{
    private const string ApiKeyHeader = "x-litellm-api-key";
    private const int MaxRedirects = 5;

    /// <summary>One pooled handler for every client the library creates itself: no socket exhaustion, DNS refreshed.</summary>
    private static readonly Lazy<HttpClient> SharedHttpClient = new(() => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
        // Redirects are followed by hand, same origin only, so the key never travels elsewhere.
        AllowAutoRedirect = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });

    private readonly FlockOptions _options;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly Uri _chatUri;
    private readonly Uri _modelsUri;

    /// <summary>Creates a client for <paramref name="apiKey"/> at <paramref name="endpoint"/> (default <c>https://api.flock.io/v1</c>).</summary>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to send with; never disposed here. Omit it to use the library's pooled one.</param>
    /// <param name="loggerFactory">Where the client logs.</param>
    public FlockClient(string apiKey, Uri? endpoint = null, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
        : this(new FlockOptions { ApiKey = apiKey, Endpoint = endpoint ?? FlockOptions.DefaultEndpoint }, httpClient, loggerFactory)
    {
    }

    /// <summary>Creates a client from <paramref name="options"/> (copied: later changes to it have no effect).</summary>
    /// <exception cref="ArgumentException">The key is missing, the endpoint is not absolute, or it is plain HTTP off loopback without opt-in.</exception>
    public FlockClient(FlockOptions options, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        if (string.IsNullOrWhiteSpace(_options.ApiKey))
        {
            throw new ArgumentException("A Flock API key is required (FlockOptions.ApiKey, or FLOCK_API_KEY in the examples).", "apiKey");
        }

        Endpoint = ValidateEndpoint(_options.Endpoint ?? FlockOptions.DefaultEndpoint, _options.AllowInsecureEndpoint);
        ValidateTimeout(_options.RequestTimeout, nameof(FlockOptions.RequestTimeout));
        ValidateTimeout(_options.StreamIdleTimeout, nameof(FlockOptions.StreamIdleTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxRetries, nameof(FlockOptions.MaxRetries));

        var root = Endpoint.AbsoluteUri.TrimEnd('/');
        _chatUri = new Uri(root + "/chat/completions");
        _modelsUri = new Uri(root + "/models");
        _http = httpClient ?? SharedHttpClient.Value;
        _logger = loggerFactory?.CreateLogger<FlockClient>() ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The API base address requests go to.</summary>
    public Uri Endpoint { get; }

    /// <summary>The model used when a request names none.</summary>
    public string? DefaultModelId => _options.ModelId;

    /// <summary>Lists the models served at <c>GET {endpoint}/models</c>.</summary>
    /// <exception cref="FlockException">Flock answered with an error.</exception>
    public async Task<IReadOnlyList<FlockModel>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        Log.RequestStarting(_logger, "GET", _modelsUri, null, stream: false);
        var (list, _, _) = await SendJsonAsync(HttpMethod.Get, _modelsUri, null, FlockJsonContext.Default.ModelList, cancellationToken).ConfigureAwait(false);
        var models = new List<FlockModel>(list.Data?.Count ?? 0);
        foreach (var entry in list.Data ?? [])
        {
            if (entry.Id is { Length: > 0 } id)
            {
                models.Add(new FlockModel(id, entry.OwnedBy, entry.Created is { } c ? DateTimeOffset.FromUnixTimeSeconds(c) : null));
            }
        }

        return models;
    }

    /// <summary>Sends a non-streaming chat completion.</summary>
    internal async Task<ChatCompletion> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        Prepare(request, stream: false);
        await PreflightAsync(request, cancellationToken).ConfigureAwait(false);
        using var body = PooledJsonBody.Create(request, FlockJsonContext.Default.ChatRequest);
        LogRequest(request, body, stream: false);
        var (completion, status, elapsed) = await SendJsonAsync(HttpMethod.Post, _chatUri, body, FlockJsonContext.Default.ChatCompletion, cancellationToken).ConfigureAwait(false);
        if (completion.Error is { } error)
        {
            throw Failed(ErrorMapper.FromStreamError(error, _options.ApiKey), elapsed);
        }

        if (WireShape.Problem(completion) is { } problem)
        {
            throw Failed(new FlockException($"Flock answered with a completion that cannot be read: {problem}.", status), elapsed);
        }

        Log.RequestCompleted(_logger, completion.Model ?? request.Model, (long)elapsed.TotalMilliseconds, completion.Usage?.PromptTokens, completion.Usage?.CompletionTokens);
        return completion;
    }

    /// <summary>
    /// Sends a request and parses Flock's JSON answer from a pooled buffer. Retries, timeouts and errors are handled, and
    /// failures logged, here once for every non-streaming call.
    /// </summary>
    internal async Task<(T Value, HttpStatusCode Status, TimeSpan Elapsed)> SendJsonAsync<T>(
        HttpMethod method, Uri uri, PooledJsonBody? body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        using var scope = new CallScope(_options.RequestTimeout, _options.StreamIdleTimeout, cancellationToken);
        try
        {
            using var response = await SendAsync(method, uri, body, stream: false, scope).ConfigureAwait(false);
            using var bytes = await PooledResponseBody.ReadAsync(response, scope.Token).ConfigureAwait(false);
            if (_options.LogBodies && _logger.IsEnabled(LogLevel.Trace))
            {
                Log.ResponseBody(_logger, Encoding.UTF8.GetString(bytes.Span));
            }

            var value = Parse(bytes.Span, typeInfo, response.StatusCode)
                ?? throw new FlockException("Flock answered with an empty JSON document.", response.StatusCode);
            return (value, response.StatusCode, scope.Elapsed);
        }
        catch (OperationCanceledException ex) when (scope.TimeoutFor(ex) is { } timeout)
        {
            throw Failed(timeout, scope.Elapsed);
        }
        catch (FlockException ex)
        {
            throw Failed(ex, scope.Elapsed);
        }
    }

    /// <summary>Logs a failed call and hands the exception back to be thrown.</summary>
    private FlockException Failed(FlockException ex, TimeSpan elapsed)
    {
        Log.RequestFailed(_logger, ex is FlockTimeoutException ? null : (int?)ex.StatusCode, (long)elapsed.TotalMilliseconds, ex.Message);
        return ex;
    }

    /// <summary>Sends a streaming chat completion and yields its chunks as they are parsed from the SSE bytes.</summary>
    /// <remarks>
    /// One <see cref="StreamChunk"/> instance is yielded again and again, overwritten by each event: read it before moving on.
    /// Every way a stream can go wrong ends the enumeration with an exception after the chunks that did arrive:
    /// the proxy's error event, a lost connection, a chunk that is not JSON, a stall, or an end without <c>[DONE]</c>.
    /// </remarks>
    internal async IAsyncEnumerable<StreamChunk> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Prepare(request, stream: true);
        await PreflightAsync(request, cancellationToken).ConfigureAwait(false);
        using var scope = new CallScope(_options.RequestTimeout, _options.StreamIdleTimeout, cancellationToken);
        // The pooled body lives as long as the response: the handler may still be sending it when headers arrive.
        using var body = PooledJsonBody.Create(request, FlockJsonContext.Default.ChatRequest);
        HttpResponseMessage response;
        {
            LogRequest(request, body, stream: true);
            try
            {
                response = await SendAsync(HttpMethod.Post, _chatUri, body, stream: true, scope).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (scope.TimeoutFor(ex) is { } timeout)
            {
                throw Failed(timeout, scope.Elapsed);
            }
            catch (FlockException ex)
            {
                throw Failed(ex, scope.Elapsed);
            }
        }

        using (response)
        {
            var stream = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(scope.Token).ConfigureAwait(false), scope);
            await using var _ = stream.ConfigureAwait(false);
            var current = new StreamChunk();
            var events = SseParser.Create(stream, (_, data) => ParseChunk(data, current)).EnumerateAsync(scope.Token);
            await using var enumerator = events.GetAsyncEnumerator(scope.Token);
            var chunks = 0;
            Usage? usage = null;
            string? model = null;
            while (true)
            {
                StreamChunk chunk;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        throw StreamFailed(new FlockException(
                            "The Flock stream ended before its [DONE] marker: the answer may be incomplete.", HttpStatusCode.OK) { DuringStream = true });
                    }

                    chunk = enumerator.Current.Data;
                }
                catch (OperationCanceledException ex) when (scope.TimeoutFor(ex) is { } timeout)
                {
                    throw StreamFailed(new FlockTimeoutException(timeout.Kind, timeout.Timeout, ex) { DuringStream = true });
                }
                catch (JsonException ex)
                {
                    throw StreamFailed(new FlockException($"Flock sent a stream event that is not a valid chunk: {ex.Message}", HttpStatusCode.OK, null, ex) { DuringStream = true });
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    throw StreamFailed(new FlockException($"The connection to Flock was lost during the stream: {ex.Message}", HttpStatusCode.OK, null, ex) { DuringStream = true });
                }

                if (chunk.Kind == StreamEventKind.Done)
                {
                    break;
                }

                if (chunk.Kind == StreamEventKind.Empty)
                {
                    continue;
                }

                if (chunk.Error is { } error)
                {
                    throw StreamFailed(ErrorMapper.FromStreamError(error, _options.ApiKey));
                }

                chunks++;
                usage = chunk.Usage ?? usage;
                model ??= chunk.Model;
                yield return chunk;
            }

            Log.StreamCompleted(_logger, model ?? request.Model, (long)scope.Elapsed.TotalMilliseconds, chunks, usage?.PromptTokens, usage?.CompletionTokens);
        }

        FlockException StreamFailed(FlockException ex) => Failed(ex, scope.Elapsed);
    }

    /// <summary>Parses an event into the stream's chunk; any malformation surfaces as a <see cref="JsonException"/>.</summary>
    private static StreamChunk ParseChunk(ReadOnlySpan<byte> data, StreamChunk chunk)
    {
        try
        {
            return StreamChunkParser.Parse(data, chunk);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            // e.g. invalid UTF-8 inside a string, or a number out of range.
            throw new JsonException(ex.Message, ex);
        }
    }

    private void Prepare(ChatRequest request, bool stream)
    {
        if (string.IsNullOrEmpty(request.Model) && _options.ModelId is { } model)
        {
            request.Model = model;
        }

        request.Stream = stream ? true : null;
        RequestValidator.Validate(request);
        WarnAboutLikelyTypos(request);
    }

    private void LogRequest(ChatRequest request, PooledJsonBody body, bool stream)
    {
        Log.RequestStarting(_logger, "POST", _chatUri, request.Model, stream);
        if (_options.LogBodies && _logger.IsEnabled(LogLevel.Trace))
        {
            Log.RequestBody(_logger, Encoding.UTF8.GetString(body.Memory.Span));
        }
    }

    private T? Parse<T>(ReadOnlySpan<byte> bytes, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, HttpStatusCode status)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, typeInfo);
        }
        catch (JsonException ex)
        {
            var text = ErrorMapper.Redact(Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 4096)]), _options.ApiKey);
            throw new FlockException($"Flock answered HTTP {(int)status} with a body that is not the expected JSON: {ex.Message}", status, text, ex);
        }
    }

    /// <summary>Sends with bounded retries for 408, 429, 5xx and connection failures, before any response byte reaches the caller.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, PooledJsonBody? body, bool stream, CallScope scope)
    {
        var redirects = 0;
        for (var attempt = 0; ; attempt++)
        {
            // Not every handler checks the token before sending: a cancelled call must not reach the server.
            scope.Token.ThrowIfCancellationRequested();
            var request = new HttpRequestMessage(method, uri) { Content = body?.CreateContent() };
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, _options.ApiKey);
            request.Headers.TryAddWithoutValidation("Accept", stream ? "text/event-stream" : "application/json");

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, scope.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (!scope.Token.IsCancellationRequested)
            {
                if (attempt < _options.MaxRetries)
                {
                    await DelayBeforeRetryAsync(attempt, null, ex.HttpRequestError.ToString(), scope).ConfigureAwait(false);
                    continue;
                }

                throw new FlockException($"Could not reach Flock at {Endpoint.GetLeftPart(UriPartial.Authority)}: {ex.Message}", null, null, ex);
            }

            if (response.RequestMessage?.RequestUri is { } answeredBy && !SameOrigin(answeredBy, Endpoint))
            {
                // The HttpClient's own handler followed a redirect elsewhere (and .NET forwards custom headers): refuse the answer.
                response.Dispose();
                throw new FlockException(
                    $"The HttpClient given to Flock followed a redirect to another origin ({answeredBy.GetLeftPart(UriPartial.Authority)}), taking the API key with it; the answer was discarded. Rotate the key if that origin is not yours, and give Flock an HttpClient whose handler has AllowAutoRedirect = false.",
                    response.StatusCode);
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                var target = location.IsAbsoluteUri ? location : new Uri(uri, location);
                response.Dispose();
                if (!SameOrigin(target, Endpoint))
                {
                    throw new FlockException(
                        $"Flock answered HTTP {(int)response.StatusCode} redirecting to another origin ({target.GetLeftPart(UriPartial.Authority)}); it was not followed, so the API key stays with {Endpoint.GetLeftPart(UriPartial.Authority)}.",
                        response.StatusCode);
                }

                if (++redirects > MaxRedirects)
                {
                    throw new FlockException($"Flock redirected more than {MaxRedirects} times.", response.StatusCode);
                }

                uri = target;
                attempt--;
                continue;
            }

            var retryAfter = ErrorMapper.RetryAfter(response);
            if (attempt < _options.MaxRetries && IsRetryable(response.StatusCode) && (retryAfter is null || retryAfter <= _options.MaxRetryAfter))
            {
                response.Dispose();
                await DelayBeforeRetryAsync(attempt, retryAfter, $"HTTP {(int)response.StatusCode}", scope).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                throw await ErrorMapper.FromResponseAsync(response, _options.ApiKey, scope.Token).ConfigureAwait(false);
            }
        }
    }

    private async Task DelayBeforeRetryAsync(int attempt, TimeSpan? retryAfter, string reason, CallScope scope)
    {
        var delay = retryAfter ?? Backoff(attempt);
        Log.Retrying(_logger, attempt + 1, reason, (long)delay.TotalMilliseconds);
        await Task.Delay(delay, scope.Token).ConfigureAwait(false);
    }

    /// <summary>Exponential backoff with full jitter on the upper half: base × 2^attempt × [0.5, 1).</summary>
    private TimeSpan Backoff(int attempt)
    {
        var ceiling = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt);
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static Uri ValidateEndpoint(Uri endpoint, bool allowInsecure)
    {
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The endpoint must be an absolute http(s) address, e.g. {FlockOptions.DefaultEndpoint}.", "endpoint");
        }

        if (endpoint.Scheme == Uri.UriSchemeHttp && !endpoint.IsLoopback && !allowInsecure)
        {
            throw new ArgumentException(
                $"The endpoint {endpoint.GetLeftPart(UriPartial.Authority)} is plain HTTP and not loopback: the API key would travel unencrypted. Use https, or set FlockOptions.AllowInsecureEndpoint.",
                "endpoint");
        }

        return endpoint;
    }

    private static void ValidateTimeout(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, or Timeout.InfiniteTimeSpan.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"FlockClient {{ Endpoint = {Endpoint} }}";
}
