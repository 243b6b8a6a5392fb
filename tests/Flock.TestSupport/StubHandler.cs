namespace Flock.Tests.Support;

/// <summary>
/// An <see cref="HttpMessageHandler"/> that answers every request from one function; it records nothing, so it suits
/// simulations of many requests (<see cref="RecordingHandler"/> answers from a queue and keeps each request).
/// </summary>
public sealed class StubHandler(Func<CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Answers every request with what <paramref name="answer"/> returns, synchronously.</summary>
    public StubHandler(Func<HttpResponseMessage> answer)
        : this(_ => Task.FromResult(answer()))
    {
    }

    /// <summary>Completes when the first request arrives.</summary>
    public Task Entered => _entered.Task;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        return answer(cancellationToken);
    }
}
