using System.Diagnostics;
using Flock.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests.Reliability;

/// <summary>One call through either adapter, with what arrived before a failure and how long it took; never waits forever.</summary>
internal static class Calls
{
    public const string Model = "qwen3-30b-a3b-instruct-2507";

    /// <summary>Nothing in these tests may take this long: a call still running then has hung.</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Adapters => new("sk", "meai");

    public static TheoryData<string, bool> AdaptersAndModes => new() { { "sk", false }, { "sk", true }, { "meai", false }, { "meai", true } };

    public sealed record Outcome(List<string> Texts, Exception? Error, TimeSpan Elapsed)
    {
        public string Text => string.Concat(Texts);
    }

    /// <summary>A streaming or non-streaming call; <see cref="Outcome.Texts"/> holds the text pieces yielded before any failure.</summary>
    public static Task<Outcome> RunAsync(string adapter, bool streaming, FlockClient client, CancellationToken cancellationToken = default, Action<int>? onUpdate = null, string model = Model) =>
        streaming ? StreamAsync(adapter, client, cancellationToken, onUpdate, model) : CompleteAsync(adapter, client, cancellationToken, model);

    public static async Task<Outcome> StreamAsync(string adapter, FlockClient client, CancellationToken cancellationToken = default, Action<int>? onUpdate = null, string model = Model)
    {
        var texts = new List<string>();
        var watch = Stopwatch.StartNew();
        try
        {
            await Body().WaitAsync(HangLimit, CancellationToken.None);
            return new(texts, null, watch.Elapsed);
        }
        catch (TimeoutException ex)
        {
            throw new Xunit.Sdk.XunitException($"The stream hung for {HangLimit} after {texts.Count} updates: {ex.Message}");
        }
        catch (Exception ex)
        {
            return new(texts, Unwrapped(adapter, ex), watch.Elapsed);
        }

        async Task Body()
        {
            var updates = 0;
            if (adapter == "sk")
            {
                var service = new FlockChatCompletionService(client, model);
                await foreach (var update in service.GetStreamingChatMessageContentsAsync(History(), cancellationToken: cancellationToken))
                {
                    if (!string.IsNullOrEmpty(update.Content))
                    {
                        texts.Add(update.Content);
                    }

                    onUpdate?.Invoke(++updates);
                }
            }
            else
            {
                IChatClient chat = new FlockChatClient(client, model);
                await foreach (var update in chat.GetStreamingResponseAsync("Hello", cancellationToken: cancellationToken))
                {
                    if (!string.IsNullOrEmpty(update.Text))
                    {
                        texts.Add(update.Text);
                    }

                    onUpdate?.Invoke(++updates);
                }
            }
        }
    }

    public static async Task<Outcome> CompleteAsync(string adapter, FlockClient client, CancellationToken cancellationToken = default, string model = Model)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var text = await Body().WaitAsync(HangLimit, CancellationToken.None);
            return new(text is null ? [] : [text], null, watch.Elapsed);
        }
        catch (TimeoutException ex)
        {
            throw new Xunit.Sdk.XunitException($"The call hung for {HangLimit}: {ex.Message}");
        }
        catch (Exception ex)
        {
            return new([], Unwrapped(adapter, ex), watch.Elapsed);
        }

        async Task<string?> Body()
        {
            if (adapter == "sk")
            {
                var service = new FlockChatCompletionService(client, model);
                return (await service.GetChatMessageContentAsync(History(), cancellationToken: cancellationToken)).Content;
            }

            IChatClient chat = new FlockChatClient(client, model);
            return (await chat.GetResponseAsync("Hello", cancellationToken: cancellationToken)).Text;
        }
    }

    /// <summary>
    /// The SK service reports a failure as SK's <see cref="Microsoft.SemanticKernel.HttpOperationException"/>
    /// (<see cref="FlockHttpOperationException"/>) with the core's <see cref="FlockException"/> inside: asserted here, so the
    /// tests read the same exception from both adapters.
    /// </summary>
    public static Exception Unwrapped(string adapter, Exception error)
    {
        if (adapter != "sk")
        {
            return error;
        }

        if (error is FlockException)
        {
            throw new Xunit.Sdk.XunitException($"The SK service threw a bare {error.GetType().Name}; SK's convention is an HttpOperationException with it inside.");
        }

        if (error is not Microsoft.SemanticKernel.HttpOperationException)
        {
            return error;
        }

        var sk = Xunit.Assert.IsType<FlockHttpOperationException>(error);
        var inner = Xunit.Assert.IsAssignableFrom<FlockException>(sk.InnerException);
        Xunit.Assert.Equal((inner.StatusCode, inner.Message, inner.ResponseContent, inner.DuringStream), (sk.StatusCode, sk.Message, sk.ResponseContent, sk.DuringStream));
        return inner;
    }

    private static ChatHistory History()
    {
        var history = new ChatHistory();
        history.AddUserMessage("Hello");
        return history;
    }
}
