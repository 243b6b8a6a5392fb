using System.Net;

namespace Flock.Extensions.AI.Http;

/// <summary>
/// Retries a request answered 408, 429 or 5xx, or failed to connect, up to the sending client's
/// <see cref="FlockOptions.MaxRetries"/>: it waits the server's <c>Retry-After</c> (seconds or a date, up to
/// <see cref="FlockOptions.MaxRetryAfter"/>) or an exponential backoff with jitter, on the client's clock. A handler can only
/// retry before it hands the response back, so a stream that started is never sent again.
/// </summary>
internal sealed class FlockRetryHandler : DelegatingHandler
{
    public FlockRetryHandler()
    {
    }

    public FlockRetryHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        FlockRequestPolicy.Of(request) is { MaxRetries: > 0 } policy
            ? SendWithRetriesAsync(request, policy, cancellationToken)
            : base.SendAsync(request, cancellationToken); // retries off: no state machine, nothing added to the call

    private async Task<HttpResponseMessage> SendWithRetriesAsync(HttpRequestMessage request, FlockRequestPolicy policy, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            // Not every handler checks the token before sending: a cancelled call must not reach the server.
            cancellationToken.ThrowIfCancellationRequested();
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (attempt < policy.MaxRetries && !cancellationToken.IsCancellationRequested)
            {
                await DelayAsync(policy, attempt, null, ex.HttpRequestError.ToString(), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (attempt >= policy.MaxRetries || !IsRetryable(response.StatusCode))
            {
                return response;
            }

            var retryAfter = RetryAfter(response, policy.Time);
            if (retryAfter > policy.MaxRetryAfter)
            {
                // Longer than we are willing to wait: the caller gets the answer, with RetryAfter, to schedule it.
                return response;
            }

            response.Dispose();
            await DelayAsync(policy, attempt, retryAfter, $"HTTP {(int)response.StatusCode}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The delay of a <c>Retry-After</c> header, in seconds or as an HTTP date (against <paramref name="time"/>).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Exponential backoff with jitter on the upper half: base × 2^attempt × [0.5, 1).</summary>
    public static TimeSpan Backoff(TimeSpan baseDelay, int attempt, double random) =>
        TimeSpan.FromMilliseconds(baseDelay.TotalMilliseconds * Math.Pow(2, attempt) * (0.5 + (random / 2)));

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static async Task DelayAsync(FlockRequestPolicy policy, int attempt, TimeSpan? retryAfter, string reason, CancellationToken cancellationToken)
    {
        var delay = retryAfter ?? Backoff(policy.RetryBaseDelay, attempt, Random.Shared.NextDouble());
        Log.Retrying(policy.Logger, attempt + 1, reason, (long)delay.TotalMilliseconds);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, policy.Time, cancellationToken).ConfigureAwait(false);
        }
    }
}
