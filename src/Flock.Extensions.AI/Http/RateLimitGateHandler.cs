namespace Flock.Extensions.AI.Http;

/// <summary>
/// The rate-limit stage: a model call waits at its client's <see cref="RateLimitGate"/> before it is sent (each attempt of
/// a retried call too, as this stage sits inside the retries), and what the answer's headers say goes back to the gate. The
/// headers are read here once, for the client to use as well.
/// </summary>
internal sealed class RateLimitGateHandler : DelegatingHandler
{
    /// <summary>Set by the client on model calls: the tokens the call may use against a token limit.</summary>
    public static readonly HttpRequestOptionsKey<int> Tokens = new("Flock.RateLimitTokens");

    /// <summary>Set by the client on model calls: the model asked for, for per-model limits.</summary>
    public static readonly HttpRequestOptionsKey<string?> Model = new("Flock.RateLimitModel");

    /// <summary>What the answer's headers said, read once here and kept for the client.</summary>
    public static readonly HttpRequestOptionsKey<FlockResponseInfo?> Info = new("Flock.ResponseInfo");

    public RateLimitGateHandler()
    {
    }

    public RateLimitGateHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        FlockRequestPolicy.Of(request) is { Gate: { } gate } policy && request.Options.TryGetValue(Tokens, out var tokens)
            ? SendGatedAsync(request, gate, policy.Time, tokens, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendGatedAsync(HttpRequestMessage request, RateLimitGate gate, TimeProvider time, int tokens, CancellationToken cancellationToken)
    {
        request.Options.TryGetValue(Model, out var model);
        if (!gate.TryEnter(out var ticket))
        {
            ticket = await gate.WaitForTurnAsync(model, tokens, cancellationToken).ConfigureAwait(false);
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // No answer: calls waiting on this one (when it was the probe) decide again.
            gate.Abandon(ticket);
            throw;
        }

        var info = ResponseHeaders.Read(response, time);
        request.Options.Set(Info, info);
        gate.Observe(info, response.StatusCode, model, ticket);
        return response;
    }
}
