using Flock.Extensions.AI.ChatClient;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// The stream layer that replaced the adapters' async iterators behaves as an async iterator would: same results whether the
/// source completes at once or waits, nothing before the first move, failures through the task that end the enumeration,
/// both cancellation tokens, and the source disposed.
/// </summary>
public sealed class MappedAsyncEnumeratorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Each_item_gives_its_results_in_order_then_the_closing_ones_whether_the_source_waits_or_not(bool sourceWaits)
    {
        var source = new Source([1, 0, 2, 0, 3], sourceWaits);

        var results = await ReadAllAsync(new Repeat(source, default, default));

        // n gives n copies; 0 gives nothing (as a tool-call fragment gives no update); "end" closes.
        Assert.Equal(["1", "2", "2", "3", "3", "3", "end"], results);
        Assert.True(source.Disposed);
    }

    [Fact]
    public async Task Nothing_runs_before_the_first_move_and_each_enumeration_starts_anew()
    {
        var opened = 0;
        var stream = new DeferredAsyncEnumerable<string>(token => new Repeat(new Source([1], false), token, default, () => opened++));

        await using var enumerator = stream.GetAsyncEnumerator();
        Assert.Equal(0, opened);
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Equal(1, opened);
        Assert.Equal(["1", "end"], await ReadAllAsync(stream.GetAsyncEnumerator()));
        Assert.Equal(2, opened);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failure_comes_through_the_task_translated_and_ends_the_enumeration(bool sourceWaits)
    {
        var enumerator = new Repeat(new Source([1, -1, 2], sourceWaits), default, default);

        Assert.True(await enumerator.MoveNextAsync());
        var move = enumerator.MoveNextAsync(); // does not throw here: the failure is in the task
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await move);

        Assert.Equal("translated", error.Message);
        Assert.IsType<FormatException>(error.InnerException);
        Assert.False(await enumerator.MoveNextAsync());
        await enumerator.DisposeAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_calls_token_and_the_enumerations_token_both_reach_the_source(bool cancelCall)
    {
        using var call = new CancellationTokenSource();
        using var enumeration = new CancellationTokenSource();
        var source = new Source([1, 2, 3], sourceWaits: true);
        var enumerator = new Repeat(source, call.Token, enumeration.Token);

        Assert.True(await enumerator.MoveNextAsync());
        await (cancelCall ? call : enumeration).CancelAsync();

        Assert.True(source.Token.IsCancellationRequested);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (await enumerator.MoveNextAsync())
            {
            }
        });
        await enumerator.DisposeAsync();
        Assert.True(source.Disposed);
    }

    private static async Task<List<string>> ReadAllAsync(IAsyncEnumerator<string> enumerator)
    {
        var results = new List<string>();
        await using (enumerator)
        {
            while (await enumerator.MoveNextAsync())
            {
                results.Add(enumerator.Current);
            }
        }

        return results;
    }

    /// <summary>Maps n to n copies of n; a negative item fails; the end adds "end". Failures are translated, as the SK bridge does.</summary>
    private sealed class Repeat(Source source, CancellationToken callToken, CancellationToken enumerationToken, Action? onOpen = null)
        : MappedAsyncEnumerator<int, string>(callToken, enumerationToken)
    {
        protected override IAsyncEnumerator<int> Open(CancellationToken cancellationToken)
        {
            onOpen?.Invoke();
            source.Token = cancellationToken;
            return source;
        }

        protected override void Map(int item, List<string> results)
        {
            if (item < 0)
            {
                throw new FormatException("bad item");
            }

            for (var i = 0; i < item; i++)
            {
                results.Add(item.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        protected override void Complete(List<string> results) => results.Add("end");

        protected override Exception Translate(Exception exception) =>
            exception is FormatException ? new InvalidOperationException("translated", exception) : exception;
    }

    /// <summary>Items that are there at once, or after a real wait (a yield to the thread pool) each.</summary>
    private sealed class Source(int[] items, bool sourceWaits) : IAsyncEnumerator<int>
    {
        private int _index = -1;

        public CancellationToken Token { get; set; }

        public bool Disposed { get; private set; }

        public int Current => items[_index];

        public ValueTask<bool> MoveNextAsync() => sourceWaits ? new(WaitThenMoveAsync()) : new(Move());

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return default;
        }

        private async Task<bool> WaitThenMoveAsync()
        {
            await Task.Yield();
            return Move();
        }

        private bool Move()
        {
            Token.ThrowIfCancellationRequested();
            return ++_index < items.Length;
        }
    }
}
