using System.Runtime.CompilerServices;

namespace Flock.Extensions.AI.ChatClient;

/// <summary>
/// One layer of a stream: turns each item of a source enumerator into zero or more results, and completes synchronously
/// whenever the source did. Written as an async iterator, each layer (MEAI updates over transport chunks, SK contents over
/// MEAI updates) costs an async state-machine step per chunk even when nothing waits; this one awaits only when the source
/// really waits, and then in a pooled state machine.
/// </summary>
/// <remarks>
/// It behaves as an async iterator would: nothing runs before the first <see cref="MoveNextAsync"/> (which opens the
/// source), failures come through the returned task and end the enumeration, the call's and the enumeration's cancellation
/// tokens both count, and disposing disposes the source.
/// </remarks>
internal abstract class MappedAsyncEnumerator<TSource, TResult> : IAsyncEnumerator<TResult>
{
    private readonly List<TResult> _results = new(2);
    private readonly CancellationTokenSource? _linked;
    private readonly CancellationToken _token;
    private IAsyncEnumerator<TSource>? _source;
    private int _next;
    private bool _ended;

    protected MappedAsyncEnumerator(CancellationToken callToken, CancellationToken enumerationToken)
    {
        if (callToken.CanBeCanceled && enumerationToken.CanBeCanceled && callToken != enumerationToken)
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, enumerationToken);
            _token = _linked.Token;
        }
        else
        {
            _token = callToken.CanBeCanceled ? callToken : enumerationToken;
        }
    }

    public TResult Current { get; private set; } = default!;

    public ValueTask<bool> MoveNextAsync()
    {
        try
        {
            while (true)
            {
                if (TryTakeResult())
                {
                    return new ValueTask<bool>(true);
                }

                if (_ended)
                {
                    return new ValueTask<bool>(false);
                }

                var move = (_source ??= Open(_token)).MoveNextAsync();
                if (!move.IsCompletedSuccessfully)
                {
                    return MoveNextWhenSourceWaitsAsync(move);
                }

                Step(move.Result);
            }
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<bool>(End(ex));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ended = true;
        _results.Clear();
        try
        {
            if (_source is { } source)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _linked?.Dispose();
        }
    }

    /// <summary>Starts the source (on the first <see cref="MoveNextAsync"/>), observing <paramref name="cancellationToken"/>.</summary>
    protected abstract IAsyncEnumerator<TSource> Open(CancellationToken cancellationToken);

    /// <summary>Adds what <paramref name="item"/> gives to <paramref name="results"/> (which holds nothing else yet).</summary>
    protected abstract void Map(TSource item, List<TResult> results);

    /// <summary>After the source's last item: adds the results that end the stream.</summary>
    protected abstract void Complete(List<TResult> results);

    /// <summary>The exception the caller gets for one the source (or this layer) threw; the same one by default.</summary>
    protected virtual Exception Translate(Exception exception) => exception;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> MoveNextWhenSourceWaitsAsync(ValueTask<bool> move)
    {
        try
        {
            while (true)
            {
                Step(await move.ConfigureAwait(false));
                if (TryTakeResult())
                {
                    return true;
                }

                if (_ended)
                {
                    return false;
                }

                move = _source!.MoveNextAsync();
            }
        }
        catch (Exception ex)
        {
            var translated = End(ex);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
    }

    private bool TryTakeResult()
    {
        if (_next < _results.Count)
        {
            Current = _results[_next++];
            return true;
        }

        _results.Clear();
        _next = 0;
        return false;
    }

    private void Step(bool moved)
    {
        if (moved)
        {
            Map(_source!.Current, _results);
        }
        else
        {
            _ended = true;
            Complete(_results);
        }
    }

    /// <summary>A failure ends the enumeration, as it ends an async iterator.</summary>
    private Exception End(Exception exception)
    {
        _ended = true;
        _results.Clear();
        _next = 0;
        return Translate(exception);
    }
}

/// <summary>An <see cref="IAsyncEnumerable{T}"/> that starts a fresh enumerator, given both cancellation tokens, each time it is enumerated.</summary>
internal sealed class DeferredAsyncEnumerable<T>(Func<CancellationToken, IAsyncEnumerator<T>> start) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => start(cancellationToken);
}
