using System.Net;

namespace Flock.Extensions.AI;

/// <summary>An error answered by Flock (or met while reading its answer): the HTTP status, Flock's own message and error fields.</summary>
/// <remarks>
/// Every failure of a call reaches the caller as this type (or <see cref="FlockTimeoutException"/>), never the key. Semantic
/// Kernel's service surfaces it as SK's <c>HttpOperationException</c> with this exception inside.
/// </remarks>
public class FlockException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FlockException(string message, HttpStatusCode? statusCode = null, string? responseContent = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ResponseContent = responseContent;
    }

    /// <summary>The HTTP status Flock answered with; null when no answer arrived (connection failure).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The error body Flock sent (the key masked, cut to a bounded length), if any.</summary>
    public string? ResponseContent { get; }

    /// <summary>Flock's <c>error.type</c> (e.g. <c>token_not_found_in_db</c>), if it sent one.</summary>
    public string? ErrorType { get; init; }

    /// <summary>Flock's <c>error.param</c>: the request parameter at fault, if it named one.</summary>
    public string? ErrorParam { get; init; }

    /// <summary>Flock's <c>error.code</c> (the proxy sends the status as a string).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The delay the server asked for with <c>Retry-After</c>, if any.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when the failure arrived after the stream had started (HTTP 200 already sent).</summary>
    public bool DuringStream { get; init; }

    /// <summary>What the proxy's headers said of the failed call (call id, rate limits, the refusal's reset), when an answer arrived.</summary>
    public FlockResponseInfo? ResponseInfo { get; internal set; }
}

/// <summary>Which of the client's timeouts fired.</summary>
public enum FlockTimeoutKind
{
    /// <summary>The overall request timeout (<see cref="FlockOptions.RequestTimeout"/>).</summary>
    Request,

    /// <summary>The stream idle timeout (<see cref="FlockOptions.StreamIdleTimeout"/>): no complete event arrived for that long.</summary>
    StreamIdle,

    /// <summary>The first-event timeout (<see cref="FlockOptions.StreamFirstEventTimeout"/>): the stream's first complete event never came.</summary>
    StreamFirstEvent,

    /// <summary>The body timeout (<see cref="FlockOptions.ResponseBodyTimeout"/>): a non-streaming body did not finish arriving.</summary>
    ResponseBody,
}

/// <summary>A request abandoned because one of the client's timeouts fired (not because the caller cancelled).</summary>
public sealed class FlockTimeoutException : FlockException
{
    /// <summary>Creates the exception.</summary>
    public FlockTimeoutException(FlockTimeoutKind kind, TimeSpan timeout, Exception? innerException = null)
        : base(Describe(kind, timeout), HttpStatusCode.RequestTimeout, null, innerException)
    {
        Kind = kind;
        Timeout = timeout;
    }

    /// <summary>Which timeout fired.</summary>
    public FlockTimeoutKind Kind { get; }

    /// <summary>The configured value that was exceeded.</summary>
    public TimeSpan Timeout { get; }

    private static string Describe(FlockTimeoutKind kind, TimeSpan timeout) => kind switch
    {
        FlockTimeoutKind.StreamIdle => $"The Flock stream stalled: no complete event arrived within the stream idle timeout of {timeout}.",
        FlockTimeoutKind.StreamFirstEvent => $"The Flock stream sent no complete event within the first-event timeout of {timeout}.",
        FlockTimeoutKind.ResponseBody => $"The Flock answer's body did not arrive within the response body timeout of {timeout}.",
        _ => $"The Flock request timed out: no complete answer within the request timeout of {timeout}.",
    };
}

/// <summary>
/// A call not sent because the proxy said its rate limit has nothing left and the window ends later than the client waits
/// (<see cref="FlockOptions.MaxRetryAfter"/>; see <see cref="FlockOptions.RespectRateLimits"/>). The status is 429, as the
/// proxy would have answered; <see cref="FlockException.RetryAfter"/> is the wait to the window's end.
/// </summary>
public sealed class FlockRateLimitException : FlockException
{
    internal FlockRateLimitException(DateTimeOffset windowEnd, TimeSpan wait, FlockRateLimit limit)
        : base(
            $"Not sent: Flock's rate limit ({limit.Scope} {limit.Kind}) has nothing left until {windowEnd:u}, " +
            $"{Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)} s away, longer than FlockOptions.MaxRetryAfter.",
            HttpStatusCode.TooManyRequests)
    {
        WindowEnd = windowEnd;
        Limit = limit;
        RetryAfter = wait;
    }

    /// <summary>When the limit's window is expected to end, on the client's clock.</summary>
    public DateTimeOffset WindowEnd { get; }

    /// <summary>The limit that has nothing left, as the proxy last reported it.</summary>
    public FlockRateLimit Limit { get; }
}

/// <summary>An answer refused because it exceeded one of the client's size limits (counted after decompression).</summary>
public sealed class FlockLimitExceededException : FlockException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limitName">The <see cref="FlockOptions"/> property that sets the limit, e.g. <c>MaxResponseBytes</c>.</param>
    /// <param name="limit">The limit, in bytes.</param>
    /// <param name="statusCode">The HTTP status of the answer.</param>
    public FlockLimitExceededException(string limitName, long limit, HttpStatusCode? statusCode = HttpStatusCode.OK)
        : base($"Flock's answer was refused: it exceeds FlockOptions.{limitName} ({limit} bytes after decompression). Raise the limit if the answer is legitimate.", statusCode)
    {
        LimitName = limitName;
        Limit = limit;
    }

    /// <summary>The name of the <see cref="FlockOptions"/> property that sets the exceeded limit.</summary>
    public string LimitName { get; }

    /// <summary>The exceeded limit, in bytes.</summary>
    public long Limit { get; }
}
