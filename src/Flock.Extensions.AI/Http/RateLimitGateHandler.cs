namespace Flock.Extensions.AI.Http;

/// <summary>
/// The rate-limit stage: a model call waits at its client's <see cref="RateLimitGate"/> before it is sent (each attempt of
/// a retried call too, as this stage sits inside the retries), and what the answer's headers say goes back to the gate. The
/// headers are read here once, for the client to use as well.
/// </summary>
internal sealed class RateLimitGateHandler : DelegatingHandler
{
    /// <summary>Set by the client on model calls: what the gate counts the call as.</summary>
    public static readonly HttpRequestOptionsKey<GatedCall?> Call = new("Flock.RateLimitCall");

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
        FlockRequestPolicy.Of(request) is { Gate: { } gate } policy && request.Options.TryGetValue(Call, out var call) && call is not null
            ? SendGatedAsync(request, gate, policy.Time, call, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendGatedAsync(HttpRequestMessage request, RateLimitGate gate, TimeProvider time, GatedCall call, CancellationToken cancellationToken)
    {
        if (!gate.TryEnter(out var ticket))
        {
            ticket = await gate.WaitForTurnAsync(call.Model, call.Tokens, cancellationToken).ConfigureAwait(false);
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
        gate.Observe(info, response.StatusCode, call.Model, ticket);
        return response;
    }
}

/// <summary>A model call as the rate-limit gate counts it: the model asked for (for per-model limits) and the tokens it may use.</summary>
internal sealed record GatedCall(string? Model, int Tokens);
