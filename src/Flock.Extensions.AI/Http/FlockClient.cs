using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flock.Extensions.AI;

/// <summary>
/// The HTTP transport to Flock: endpoint, auth header, validation, retries, timeouts, limits and error mapping.
/// Knows nothing of Semantic Kernel or Microsoft.Extensions.AI; both adapters sit on one instance.
/// </summary>
/// <remarks>
/// Requests go through three stages, each a <see cref="DelegatingHandler"/>: retries, same-origin redirects, and the key
/// header. They sit on the library's own pooled handler, on the DI client <c>"Flock"</c>, or around an
/// <see cref="HttpClient"/> you pass in.
/// </remarks>
public sealed partial class FlockClient
{
    /// <summary>One pooled handler for every client the library creates itself: no socket exhaustion, DNS refreshed.</summary>
    private static readonly Lazy<HttpMessageInvoker> SharedPipeline = new(() => new HttpMessageInvoker(WithStages(CreatePrimaryHandler()), disposeHandler: false));

    private readonly FlockOptions _options;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _send;
    private readonly FlockRequestPolicy _policy;
    private readonly TimeProvider _time;
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
    /// <param name="options">Key, endpoint, timeouts, retries and limits.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to send with (the library's stages are put around it); never disposed here.</param>
    /// <param name="loggerFactory">Where the client logs.</param>
    /// <param name="timeProvider">The clock for timeouts and retry delays; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">The key is missing or not a valid header value, the endpoint is not absolute, it is plain HTTP off loopback without opt-in, or a setting is out of range.</exception>
    public FlockClient(FlockOptions options, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(options, httpClient, loggerFactory, timeProvider, httpClientHasStages: false)
    {
    }

    /// <summary>Creates a client; <paramref name="httpClientHasStages"/> when the HttpClient's own pipeline already holds the stages (the DI client).</summary>
    internal FlockClient(FlockOptions options, HttpClient? httpClient, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, bool httpClientHasStages)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        ValidateKey(_options.ApiKey);
        Endpoint = ValidateEndpoint(_options.Endpoint ?? FlockOptions.DefaultEndpoint, _options.AllowInsecureEndpoint);
        ValidateTimeout(_options.RequestTimeout, nameof(FlockOptions.RequestTimeout));
        ValidateTimeout(_options.StreamFirstEventTimeout, nameof(FlockOptions.StreamFirstEventTimeout));
        ValidateTimeout(_options.StreamIdleTimeout, nameof(FlockOptions.StreamIdleTimeout));
        ValidateTimeout(_options.ResponseBodyTimeout, nameof(FlockOptions.ResponseBodyTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxRetries, nameof(FlockOptions.MaxRetries));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MaxRetries, 10, nameof(FlockOptions.MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.RetryBaseDelay, TimeSpan.Zero, nameof(FlockOptions.RetryBaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxRetryAfter, TimeSpan.Zero, nameof(FlockOptions.MaxRetryAfter));
        ValidateLimit(_options.MaxResponseBytes, nameof(FlockOptions.MaxResponseBytes));
        ValidateLimit(_options.MaxErrorBodyBytes, nameof(FlockOptions.MaxErrorBodyBytes));
        ValidateLimit(_options.MaxStreamEventBytes, nameof(FlockOptions.MaxStreamEventBytes));

        var root = Endpoint.AbsoluteUri.TrimEnd('/');
        _chatUri = new Uri(root + "/chat/completions");
        _modelsUri = new Uri(root + "/models");
        _time = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger<FlockClient>() ?? (ILogger)NullLogger.Instance;
        _policy = new FlockRequestPolicy(
            Endpoint, _options.ApiKey, _options.MaxRetries, _options.RetryBaseDelay, _options.MaxRetryAfter, _time, _logger,
            _options.RespectRateLimits ? new RateLimitGate(_time, _options.MaxRetryAfter) : null);
        if (httpClient is null)
        {
            var shared = SharedPipeline.Value;
            _send = shared.SendAsync;
        }
        else if (httpClientHasStages)
        {
            _send = (request, token) => httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        }
        else
        {
            var wrapped = new HttpMessageInvoker(WithStages(new HttpClientForwardingHandler(httpClient)), disposeHandler: false);
            _send = wrapped.SendAsync;
        }
    }

    /// <summary>The API base address requests go to.</summary>
    public Uri Endpoint { get; }

    /// <summary>The model used when a request names none.</summary>
    public string? DefaultModelId => _options.ModelId;

    /// <summary>Whether telemetry over this client may carry message content (<see cref="FlockOptions.EnableSensitiveTelemetryData"/>).</summary>
    public bool EnableSensitiveTelemetryData => _options.EnableSensitiveTelemetryData;

    /// <summary>How thinking text inside answers is split from them unless a call says otherwise (<see cref="FlockOptions.ThinkTags"/>).</summary>
    internal FlockThinkTags DefaultThinkTags => _options.ThinkTags;

    /// <summary>Lists the models served at <c>GET {endpoint}/models</c>.</summary>
    /// <exception cref="FlockException">Flock answered with an error.</exception>
    public async Task<IReadOnlyList<FlockModel>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        Log.RequestStarting(_logger, "GET", _modelsUri, null, stream: false);
        var (list, _, _, _) = await SendJsonAsync(HttpMethod.Get, _modelsUri, null, FlockJsonContext.Default.ModelList, cancellationToken).ConfigureAwait(false);
        var models = new List<FlockModel>(list.Data?.Count ?? 0);
        foreach (var entry in list.Data ?? [])
        {
            if (entry?.Id is { Length: > 0 } id)
            {
                models.Add(new FlockModel(id) { OwnedBy = entry.OwnedBy, CreatedAt = UnixTime.ToDate(entry.Created) });
            }
        }

        return models;
    }

    /// <summary>Sends a non-streaming chat completion.</summary>
    internal async Task<ChatCompletion> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        Prepare(request, stream: false);
        await PreflightAsync(request, cancellationToken).ConfigureAwait(false);
        using var body = PooledJsonBody.Create(request);
        LogRequest(request, body, stream: false);
        var (completion, status, elapsed, info) = await SendJsonAsync(
            HttpMethod.Post, _chatUri, body, ChatCompletionReader.Read, cancellationToken, new ModelCall(request.Model, request.MaxTokens ?? 0, request.Headers)).ConfigureAwait(false);
        completion.ResponseInfo = info;
        if (completion.Error is { } error)
        {
            throw Failed(ErrorMapper.FromStreamError(error, _options.ApiKey, duringStream: false), elapsed, info);
        }

        if (completion.Choices is not { Count: > 0 })
        {
            throw Failed(new FlockException("Flock answered HTTP 200 but the server returned no choices (\"choices\" was null, absent or empty).", status), elapsed, info);
        }

        if (WireShape.Problem(completion) is { } problem)
        {
            throw Failed(new FlockException($"Flock answered with a completion that cannot be read: {problem}.", status), elapsed, info);
        }

        Log.RequestCompleted(_logger, completion.Model ?? request.Model, (long)elapsed.TotalMilliseconds, completion.Usage?.PromptTokens, completion.Usage?.CompletionTokens);
        return completion;
    }

    /// <summary>
    /// Sends a request and parses Flock's JSON answer from a pooled buffer. Retries, timeouts, limits and errors are
    /// handled, and failures logged, here once for every non-streaming call.
    /// </summary>
    internal Task<(T Value, HttpStatusCode Status, TimeSpan Elapsed, FlockResponseInfo? Info)> SendJsonAsync<T>(
        HttpMethod method, Uri uri, PooledJsonBody? body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken,
        ModelCall? call = null)
        where T : class =>
        SendJsonAsync(method, uri, body, json => JsonSerializer.Deserialize(json, typeInfo), cancellationToken, call);

    /// <inheritdoc cref="SendJsonAsync{T}(HttpMethod, Uri, PooledJsonBody?, System.Text.Json.Serialization.Metadata.JsonTypeInfo{T}, CancellationToken, ModelCall?)"/>
    internal async Task<(T Value, HttpStatusCode Status, TimeSpan Elapsed, FlockResponseInfo? Info)> SendJsonAsync<T>(
        HttpMethod method, Uri uri, PooledJsonBody? body, BodyReader<T> read, CancellationToken cancellationToken, ModelCall? call = null)
        where T : class
    {
        FlockResponseInfo? info = null;
        using var scope = new CallScope(_options.RequestTimeout, _time, cancellationToken);
        try
        {
            var (response, headers) = await SendAsync(method, uri, body, stream: false, scope, call).ConfigureAwait(false);
            using var _ = response;
            info = headers;
            scope.StartPhase(FlockTimeoutKind.ResponseBody, _options.ResponseBodyTimeout);
            PooledResponseBody bytes;
            try
            {
                bytes = await PooledResponseBody.ReadAsync(response, _options.MaxResponseBytes, nameof(FlockOptions.MaxResponseBytes), scope.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsReadFailure(ex))
            {
                throw new FlockException($"Flock answered HTTP {(int)response.StatusCode} but its body could not be read: {ex.Message}", response.StatusCode, null, ex);
            }
            finally
            {
                scope.StopPhase();
            }

            using (bytes)
            {
                if (_options.LogBodies && _logger.IsEnabled(LogLevel.Trace))
                {
                    Log.ResponseBody(_logger, Redaction.Redact(Encoding.UTF8.GetString(bytes.Span), _options.ApiKey));
                }

                var value = Parse(bytes.Span, read, response.StatusCode)
                    ?? throw new FlockException("Flock answered with an empty JSON document.", response.StatusCode);
                return (value, response.StatusCode, scope.Elapsed, info);
            }
        }
        catch (OperationCanceledException ex) when (scope.TimeoutFor(ex) is { } timeout)
        {
            throw Failed(timeout, scope.Elapsed, info);
        }
        catch (FlockException ex)
        {
            throw Failed(ex, scope.Elapsed, info);
        }
    }

    /// <summary>Logs a failed call and hands the exception back to be thrown, with what the answer's headers said when one arrived.</summary>
    private FlockException Failed(FlockException ex, TimeSpan elapsed, FlockResponseInfo? info = null)
    {
        ex.ResponseInfo ??= info;
        Log.RequestFailed(_logger, ex is FlockTimeoutException ? null : (int?)ex.StatusCode, (long)elapsed.TotalMilliseconds, ex.Message);
        return ex;
    }

    /// <summary>Sends a streaming chat completion and yields its chunks as they are parsed from the SSE bytes.</summary>
    /// <remarks>
    /// One <see cref="StreamChunk"/> instance is yielded again and again, overwritten by each event: read it before moving on.
    /// Every way a stream can go wrong ends the enumeration with an exception after the chunks that did arrive:
    /// the proxy's error event, a lost connection, a chunk that is not JSON, a stall, an event over the size limit, or an
    /// end without <c>[DONE]</c>. A <c>[DONE]</c> after choices that never gave a finish reason is a normal end.
    /// </remarks>
    internal async IAsyncEnumerable<StreamChunk> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Prepare(request, stream: true);
        await PreflightAsync(request, cancellationToken).ConfigureAwait(false);
        using var scope = new CallScope(_options.RequestTimeout, _time, cancellationToken);
        // The pooled body lives as long as the response: the handler may still be sending it when headers arrive.
        using var body = PooledJsonBody.Create(request);
        HttpResponseMessage response;
        SseLimitStream stream;
        FlockResponseInfo? info;
        {
            LogRequest(request, body, stream: true);
            try
            {
                (response, info) = await SendAsync(HttpMethod.Post, _chatUri, body, stream: true, scope, new ModelCall(request.Model, request.MaxTokens ?? 0, request.Headers)).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (scope.TimeoutFor(ex) is { } timeout)
            {
                throw Failed(timeout, scope.Elapsed);
            }
            catch (FlockException ex)
            {
                throw Failed(ex, scope.Elapsed);
            }

            // The first event may take long (a queue, a long prompt); keep-alive comments do not count as one.
            scope.StartPhase(FlockTimeoutKind.StreamFirstEvent, _options.StreamFirstEventTimeout);
            try
            {
                stream = new SseLimitStream(await response.Content.ReadAsStreamAsync(scope.Token).ConfigureAwait(false), _options.MaxStreamEventBytes);
                var first = await stream.PeekAsync(scope.Token).ConfigureAwait(false);
                if (first == '{')
                {
                    // Not an event stream: a JSON body (usually an error) answered the streaming request.
                    throw await NotAStreamAsync(response, stream, scope).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not FlockException && (scope.TimeoutFor(ex) is not null || IsReadFailure(ex)))
            {
                response.Dispose();
                throw Failed(scope.TimeoutFor(ex) is { } timeout
                    ? new FlockTimeoutException(timeout.Kind, timeout.Timeout, ex) { DuringStream = true }
                    : new FlockException($"The connection to Flock was lost during the stream: {ex.Message}", HttpStatusCode.OK, null, ex) { DuringStream = true }, scope.Elapsed, info);
            }
            catch (FlockException ex)
            {
                response.Dispose();
                throw Failed(ex, scope.Elapsed, info);
            }
            catch
            {
                // The caller's cancellation, or anything unforeseen: the response is released either way.
                response.Dispose();
                throw;
            }
        }

        using (response)
        {
            await using var _ = stream.ConfigureAwait(false);
            var current = new StreamChunk { ResponseInfo = info };
            var events = SseParser.Create(stream, (_, data) => StreamChunkParser.Parse(data, current)).EnumerateAsync(scope.Token);
            await using var enumerator = events.GetAsyncEnumerator(scope.Token);
            var chunks = 0;
            Usage? usage = null;
            string? model = null;

            // The phase clock runs only while waiting for the server, never while the caller handles a chunk. The first-event
            // wait started before the peek; after each data event the idle clock starts when a read does not complete at once
            // (events already received cost no clock reading), and comments and empty events on the way do not restart it.
            var phaseRunning = true;
            while (true)
            {
                StreamChunk chunk;
                try
                {
                    var moved = enumerator.MoveNextAsync();
                    if (!phaseRunning && !moved.IsCompleted)
                    {
                        scope.StartPhase(FlockTimeoutKind.StreamIdle, _options.StreamIdleTimeout);
                        phaseRunning = true;
                    }

                    if (!await moved.ConfigureAwait(false))
                    {
                        throw new FlockException("The Flock stream ended before its [DONE] marker: the answer may be incomplete.", HttpStatusCode.OK) { DuringStream = true };
                    }

                    chunk = enumerator.Current.Data;
                }
                catch (OperationCanceledException ex) when (scope.TimeoutFor(ex) is { } timeout)
                {
                    throw StreamFailed(new FlockTimeoutException(timeout.Kind, timeout.Timeout, ex) { DuringStream = true });
                }
                catch (FlockException ex)
                {
                    throw StreamFailed(ex);
                }
                catch (JsonException ex)
                {
                    throw StreamFailed(new FlockException($"Flock sent a stream event that is not a valid chunk: {Redaction.Redact(ex.Message, _options.ApiKey)}", HttpStatusCode.OK, null, ex) { DuringStream = true });
                }
                catch (Exception ex) when (IsReadFailure(ex))
                {
                    throw StreamFailed(new FlockException($"The connection to Flock was lost during the stream: {ex.Message}", HttpStatusCode.OK, null, ex) { DuringStream = true });
                }

                if (chunk.Kind == StreamEventKind.Empty)
                {
                    continue;
                }

                if (phaseRunning)
                {
                    scope.StopPhase();
                    phaseRunning = false;
                }

                if (chunk.Kind == StreamEventKind.Done)
                {
                    break;
                }

                if (chunk.Error is { } error)
                {
                    throw StreamFailed(ErrorMapper.FromStreamError(error, _options.ApiKey, duringStream: true));
                }

                chunks++;
                usage = chunk.Usage ?? usage;
                model ??= chunk.Model;
                yield return chunk;
            }

            Log.StreamCompleted(_logger, model ?? request.Model, (long)scope.Elapsed.TotalMilliseconds, chunks, usage?.PromptTokens, usage?.CompletionTokens);
        }

        FlockException StreamFailed(FlockException ex) => Failed(ex, scope.Elapsed, info);
    }

    /// <summary>The exception for a streaming request answered with a JSON body: the server's error, or a plain refusal.</summary>
    private async Task<FlockException> NotAStreamAsync(HttpResponseMessage response, SseLimitStream stream, CallScope scope)
    {
        var (buffer, length, complete) = await PooledResponseBody.ReadAsync(stream, 16 * 1024, _options.MaxErrorBodyBytes, scope.Token).ConfigureAwait(false);
        try
        {
            var text = Encoding.UTF8.GetString(buffer, 0, length);
            var kept = Redaction.RedactAndCut(text, _options.ApiKey, _options.MaxErrorBodyBytes, out _);
            if (complete && ErrorMapper.TryParse(text) is { } error)
            {
                var ex = ErrorMapper.FromStreamError(error, _options.ApiKey, duringStream: true);
                return new FlockException(ex.Message, ex.StatusCode, kept) { ErrorType = ex.ErrorType, ErrorParam = ex.ErrorParam, ErrorCode = ex.ErrorCode, DuringStream = true };
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "no content type";
            return new FlockException(
                $"Flock answered the streaming request with HTTP {(int)response.StatusCode} and a JSON body ({mediaType}) instead of an event stream.",
                response.StatusCode, kept) { DuringStream = true };
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// What reading a body can throw once the headers are in: a reset or short body (<see cref="IOException"/>,
    /// <see cref="HttpRequestException"/>), a corrupt gzip or deflate body (<see cref="InvalidDataException"/>), a corrupt
    /// Brotli body (<see cref="InvalidOperationException"/>), a stream disposed under the reader.
    /// </summary>
    private static bool IsReadFailure(Exception ex) =>
        ex is IOException or HttpRequestException or InvalidDataException or InvalidOperationException or ObjectDisposedException or NotSupportedException;

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
        LogRequestBody(body);
    }

    private void LogRequestBody(PooledJsonBody body)
    {
        if (_options.LogBodies && _logger.IsEnabled(LogLevel.Trace))
        {
            Log.RequestBody(_logger, Redaction.Redact(Encoding.UTF8.GetString(body.Memory.Span), _options.ApiKey));
        }
    }

    private T? Parse<T>(ReadOnlySpan<byte> bytes, BodyReader<T> read, HttpStatusCode status)
        where T : class
    {
        try
        {
            return read(bytes);
        }
        catch (JsonException ex)
        {
            // Mask first, then cut: a key cut in two must not survive either.
            var text = Redaction.RedactAndCut(Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 4096 + (4 * _options.ApiKey.Length))]), _options.ApiKey, 4096, out _);
            throw new FlockException($"Flock answered HTTP {(int)status} with a body that is not the expected JSON: {Redaction.Redact(ex.Message, _options.ApiKey)}", status, text, ex);
        }
    }

    private static readonly Dictionary<string, string> EmptyHeaders = [];

    /// <summary>Sends through the stages; answers that are not a success become a <see cref="FlockException"/> here.</summary>
    private async Task<(HttpResponseMessage Response, FlockResponseInfo? Info)> SendAsync(
        HttpMethod method, Uri uri, PooledJsonBody? body, bool stream, CallScope scope, ModelCall? call = null)
    {
        // Not every handler checks the token before sending: a cancelled call must not reach the server.
        scope.Token.ThrowIfCancellationRequested();
        // Not disposed here: the handler may still be sending the body when the headers arrive (the pooled body outlives the call).
        var request = new HttpRequestMessage(method, uri) { Content = body?.CreateContent() };
        request.Headers.TryAddWithoutValidation("Accept", stream ? "text/event-stream" : "application/json");
        request.Options.Set(FlockRequestPolicy.Key, _policy);
        if (call is { } model)
        {
            // A model call passes the rate-limit gate: the tokens it may use, and the model for per-model limits.
            var tokens = model.MaxTokens + (_options.RateLimitCountsPromptTokens && body is not null ? body.Memory.Length / 4 : 0);
            request.Options.Set(RateLimitGateHandler.Call, new GatedCall(model.Model, tokens));
            foreach (var (name, value) in model.Headers ?? EmptyHeaders)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _send(request, scope.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!scope.Token.IsCancellationRequested)
        {
            throw new FlockException($"Could not reach Flock at {Endpoint.GetLeftPart(UriPartial.Authority)}: {ex.Message}", null, null, ex);
        }
        catch (OperationCanceledException ex) when (!scope.Token.IsCancellationRequested)
        {
            // Cancelled by something in the HttpClient's pipeline, not by the caller or our timeouts (e.g. HttpClient.Timeout).
            throw new FlockException($"The request to Flock was cancelled inside the HttpClient's pipeline (for example by HttpClient.Timeout or a resilience timeout): {ex.Message}", null, null, ex);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or FlockException or OutOfMemoryException))
        {
            // A handler of the pipeline failed (e.g. a resilience pipeline's timeout or open circuit): still our exception.
            throw new FlockException($"The request to Flock failed in the HTTP pipeline: {ex.Message}", null, null, ex);
        }

        // The gate stage read the headers already for a model call; anything else is read here.
        var info = request.Options.TryGetValue(RateLimitGateHandler.Info, out var read) ? read : ResponseHeaders.Read(response, _time);
        if (response.IsSuccessStatusCode)
        {
            return (response, info);
        }

        using (response)
        {
            scope.StartPhase(FlockTimeoutKind.ResponseBody, _options.ResponseBodyTimeout);
            try
            {
                throw await ErrorMapper.FromResponseAsync(response, info, _options.ApiKey, _options.MaxErrorBodyBytes, _time, scope.Token).ConfigureAwait(false);
            }
            finally
            {
                scope.StopPhase();
            }
        }
    }

    /// <summary>The stages around the handler that sends: retries (outermost), the rate-limit gate, same-origin redirects, then the key header.</summary>
    internal static HttpMessageHandler WithStages(HttpMessageHandler inner) =>
        new FlockRetryHandler(new RateLimitGateHandler(new SameOriginRedirectHandler(new ApiKeyHandler(inner))));

    /// <summary>
    /// The handler the library sends with: pooled connections refreshed for DNS, decompression, no redirects (the stages
    /// follow same-origin ones) and no cookies (a cookie one client's answer set must never reach another client).
    /// </summary>
    internal static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
        AllowAutoRedirect = false,
        UseCookies = false,
    };

    private static void ValidateKey(string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new ArgumentException("A Flock API key is required (FlockOptions.ApiKey, or FLOCK_API_KEY in the examples).", "apiKey");
        }

        if (InvalidKeyCharacter(apiKey) is { } position)
        {
            // Never the key itself, nor the character: only where it is.
            throw new ArgumentException(
                $"The Flock API key contains a character that is not allowed in an HTTP header (a control character such as CR or LF, a space, or a non-ASCII character) at position {position}; check how the key was copied.",
                "apiKey");
        }
    }

    /// <summary>The 1-based position of the first character of <paramref name="apiKey"/> that is not visible ASCII, or null.</summary>
    internal static int? InvalidKeyCharacter(string apiKey)
    {
        var index = apiKey.AsSpan().IndexOfAnyExceptInRange('!', '~');
        return index < 0 ? null : index + 1;
    }

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

    /// <summary>The largest byte limit: a buffer of limit + 1 bytes must fit an array.</summary>
    internal const int MaxLimit = 0x7FFFFFC6;

    private static void ValidateLimit(int value, string name)
    {
        if (value is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between 1 and {MaxLimit} bytes.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"FlockClient {{ Endpoint = {Endpoint} }}";
}

/// <summary>
/// A call to a model, which passes the rate-limit gate: the model asked for, the most tokens it may generate, and the
/// headers the proxy's controls travel in (checked before, when the request was built).
/// </summary>
internal readonly record struct ModelCall(string? Model, int MaxTokens, IReadOnlyDictionary<string, string>? Headers = null);
