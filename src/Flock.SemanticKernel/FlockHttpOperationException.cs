using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel;

/// <summary>
/// A failed Flock call as the Semantic Kernel services report it: SK's <see cref="HttpOperationException"/> (status and
/// Flock's error body) carrying Flock's own error fields, with the core's <see cref="FlockException"/> as <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class FlockHttpOperationException : HttpOperationException
{
    /// <summary>Wraps <paramref name="error"/>, keeping its message, status and body.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is null.</exception>
    public FlockHttpOperationException(FlockException error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).StatusCode, error.ResponseContent, error.Message, error)
    {
        Error = error;
    }

    /// <summary>The core's exception, also the <see cref="Exception.InnerException"/>.</summary>
    public FlockException Error { get; }

    /// <summary>Flock's <c>error.type</c>, if it sent one.</summary>
    public string? ErrorType => Error.ErrorType;

    /// <summary>Flock's <c>error.param</c>: the request parameter at fault, if it named one.</summary>
    public string? ErrorParam => Error.ErrorParam;

    /// <summary>Flock's <c>error.code</c>.</summary>
    public string? ErrorCode => Error.ErrorCode;

    /// <summary>The delay the server asked for with <c>Retry-After</c>, if any.</summary>
    public TimeSpan? RetryAfter => Error.RetryAfter;

    /// <summary>True when the failure arrived after the stream had started.</summary>
    public bool DuringStream => Error.DuringStream;

    /// <summary>Which of the client's timeouts fired, when the call timed out (<see cref="FlockTimeoutException"/>).</summary>
    public FlockTimeoutKind? TimeoutKind => (Error as FlockTimeoutException)?.Kind;
}
