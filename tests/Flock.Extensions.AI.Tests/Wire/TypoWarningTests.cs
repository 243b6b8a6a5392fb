using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Flock.Extensions.AI.Tests.Wire;

public sealed class TypoWarningTests
{
    [Theory]
    [InlineData("temprature", "temperature")]
    [InlineData("max_token", "max_tokens")]
    [InlineData("top-p", "top_p")]
    [InlineData("presense_penalty", "presence_penalty")]
    [InlineData("frequencypenalty", "frequency_penalty")]
    [InlineData("min_token", "min_tokens")]
    [InlineData("Temperature", "temperature")]
    [InlineData("seeds", "seed")]
    public void Near_misses_of_known_names_are_spotted(string key, string meant)
    {
        Assert.Equal(meant, ParameterNames.LikelyMeant(key));
    }

    [Theory]
    [InlineData("top_k")]            // a parameter
    [InlineData("min_tokens")]       // a field vLLM accepts
    [InlineData("guided_json")]
    [InlineData("top")]              // too short to judge
    [InlineData("n_x")]
    [InlineData("my_vendor_flag")]   // nothing close
    public void Known_fields_short_keys_and_unrelated_keys_are_not_flagged(string key)
    {
        Assert.Null(ParameterNames.LikelyMeant(key));
    }

    [Fact]
    public async Task A_likely_typo_is_sent_and_warned_about_once_per_key()
    {
        var logs = new CapturingLoggerFactory();
        var handler = new RecordingHandler();
        for (var i = 0; i < 3; i++)
        {
            handler.EnqueueJson(TestFiles.Read("completion.json"));
        }

        IChatClient client = new FlockChatClient(new FlockClient(TestFlock.Options(), new HttpClient(handler), logs));
        var options = new ChatOptions { AdditionalProperties = new() { ["temprature"] = 0.2, ["top_k"] = 5 } };

        await client.GetResponseAsync(Calls.Messages(), options);
        await client.GetResponseAsync(Calls.Messages(), options);
        await client.GetResponseAsync(Calls.Messages(), new ChatOptions { AdditionalProperties = new() { ["max_token"] = 5 } });

        Assert.All(handler.Requests.Take(2), r => Assert.Contains("\"temprature\":0.2", r.Body));
        var warnings = logs.Messages(LogLevel.Warning);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("'temprature'", warnings[0]);
        Assert.Contains("did you mean temperature?", warnings[0]);
        Assert.Contains("did you mean max_tokens?", warnings[1]);
    }
}
