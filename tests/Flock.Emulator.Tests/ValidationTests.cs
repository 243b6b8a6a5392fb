namespace Flock.Emulator.Tests;

public sealed class ValidationTests : EmulatorTestBase
{
    [Theory]
    [InlineData("\"temperature\":3", "temperature", "between 0 and 2, got 3")]
    [InlineData("\"temperature\":-0.5", "temperature", "between 0 and 2")]
    [InlineData("\"temperature\":\"hot\"", "temperature", "must be a number")]
    [InlineData("\"top_p\":1.5", "top_p", "between 0 and 1")]
    [InlineData("\"frequency_penalty\":2.5", "frequency_penalty", "between -2 and 2")]
    [InlineData("\"presence_penalty\":-3", "presence_penalty", "between -2 and 2")]
    [InlineData("\"logprobs\":6", "logprobs", "between 0 and 5")]
    [InlineData("\"logprobs\":\"yes\"", "logprobs", "boolean or an integer")]
    [InlineData("\"logprobs\":true,\"top_logprobs\":6", "top_logprobs", "at most 5")]
    [InlineData("\"top_logprobs\":2", "top_logprobs", "requires logprobs")]
    [InlineData("\"max_tokens\":0", "max_tokens", "at least 1")]
    [InlineData("\"max_tokens\":1.5", "max_tokens", "integer")]
    [InlineData("\"max_completion_tokens\":0", "max_completion_tokens", "at least 1")]
    [InlineData("\"n\":0", "n", "at least 1")]
    [InlineData("\"n\":\"2\"", "n", "integer")]
    [InlineData("\"n\":3,\"best_of\":2", "best_of", "greater than or equal to n")]
    [InlineData("\"best_of\":0", "best_of", "at least 1")]
    [InlineData("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "stop", "at most 4")]
    [InlineData("\"stop\":5", "stop", "string or an array")]
    [InlineData("\"stop\":[\"a\",1]", "stop", "stop[1] must be a string")]
    [InlineData("\"logit_bias\":{\"abc\":1}", "logit_bias", "token ids")]
    [InlineData("\"logit_bias\":{\"50256\":-101}", "logit_bias", "between -100 and 100")]
    [InlineData("\"logit_bias\":{\"50256\":\"x\"}", "logit_bias", "must be a number")]
    [InlineData("\"logit_bias\":[1]", "logit_bias", "must be an object")]
    [InlineData("\"seed\":\"x\"", "seed", "integer")]
    [InlineData("\"seed\":1.5", "seed", "integer")]
    [InlineData("\"user\":5", "user", "must be a string")]
    [InlineData("\"stream\":\"yes\"", "stream", "must be a boolean")]
    [InlineData("\"stream_options\":{\"include_usage\":true}", "stream_options", "only allowed when stream is true")]
    [InlineData("\"stream\":true,\"stream_options\":5", "stream_options", "must be an object")]
    [InlineData("\"stream\":true,\"stream_options\":{\"include_usage\":1}", "stream_options.include_usage", "must be a boolean")]
    [InlineData("\"tools\":{}", "tools", "must be an array")]
    [InlineData("\"tools\":[{\"type\":\"function\"}]", "tools", "function must be an object")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"bad name!\"}}]", "tools", "must match")]
    [InlineData("\"tool_choice\":\"sometimes\"", "tool_choice", "'none', 'auto', 'required'")]
    [InlineData("\"tool_choice\":\"required\"", "tool_choice", "at least one tool")]
    [InlineData("\"response_format\":{\"type\":\"xml\"}", "response_format", "'text', 'json_object' or 'json_schema'")]
    [InlineData("\"response_format\":{\"type\":\"json_schema\"}", "response_format", "json_schema must be an object")]
    [InlineData("\"parallel_tool_calls\":\"yes\"", "parallel_tool_calls", "must be a boolean")]
    [InlineData("\"top_k\":-2", "top_k", "at least -1, got -2")]
    [InlineData("\"top_k\":2.5", "top_k", "integer")]
    [InlineData("\"min_p\":1.5", "min_p", "between 0 and 1, got 1.5")]
    [InlineData("\"min_p\":\"low\"", "min_p", "must be a number")]
    [InlineData("\"repetition_penalty\":0", "repetition_penalty", "greater than 0, got 0")]
    [InlineData("\"repetition_penalty\":-1.1", "repetition_penalty", "greater than 0")]
    [InlineData("\"reasoning_effort\":\"extreme\"", "reasoning_effort", "one of 'low', 'medium', 'high', got 'extreme'")]
    [InlineData("\"reasoning_effort\":3", "reasoning_effort", "must be a string")]
    [InlineData("\"chat_template_kwargs\":true", "chat_template_kwargs", "must be an object")]
    [InlineData("\"chat_template_kwargs\":{\"enable_thinking\":\"no\"}", "chat_template_kwargs.enable_thinking", "must be a boolean")]
    public async Task BadParameterIs400NamingIt(string extra, string param, string fragment)
    {
        var (status, error) = await ErrorAsync(Body(extra));

        Assert.Equal(400, status);
        Assert.Equal("400", (string?)error["code"]);
        Assert.Equal(param, (string?)error["param"]);
        var message = (string)error["message"]!;
        Assert.StartsWith("litellm.BadRequestError: ", message);
        Assert.Contains(param, message);
        Assert.Contains(fragment, message);
        Assert.Contains("Received Model Group=" + Model, message);
    }

    [Fact]
    public async Task BestOfIsRejectedWithStream()
    {
        var (status, error) = await ErrorAsync(Body("\"stream\":true,\"best_of\":2"));

        Assert.Equal(400, status);
        Assert.Equal("best_of", (string?)error["param"]);
        Assert.Contains("not supported with stream", (string)error["message"]!);
    }

    [Fact]
    public async Task BestOfWithoutStreamIsAccepted()
    {
        var body = await ChatAsync(Body("\"best_of\":3,\"n\":2"));
        Assert.Equal(2, body["choices"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model", "model is a required parameter")]
    [InlineData("{\"model\":5,\"messages\":\"hi\"}", "model", "model must be a string")]
    [InlineData("{\"model\":\"gpt-4o\",\"messages\":\"hi\"}", "model", "Invalid model name passed in model=gpt-4o. Call /v1/models to view available models")]
    [InlineData("{\"model\":\"" + Model + "\"}", "messages", "messages is a required parameter")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":5}", "messages", "string or an array")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[]}", "messages", "must not be empty")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}", "messages", "messages[0].role must be one of")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[{\"content\":\"x\"}]}", "messages", "messages[0].role is required")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages", "messages[0].content must be")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[{\"role\":\"user\"}]}", "messages", "content is required")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}", "messages", "content[0].type must be 'text' or 'image_url'")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}", "messages", "content[0].text must be a string")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "messages", "tool_call_id is required")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"1\"}]}]}", "messages", "function must be an object")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[\"a\",1]}", "messages", "messages[1] must be a string")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[1,-2]}", "messages", "messages[1] must be a non-negative integer token id")]
    [InlineData("{\"model\":\"" + Model + "\",\"messages\":[[1,2],[\"x\"]]}", "messages", "messages[1][0] must be a non-negative integer")]
    public async Task BadModelOrMessagesIs400(string json, string param, string fragment)
    {
        var (status, error) = await ErrorAsync(json);

        Assert.Equal(400, status);
        Assert.Equal(param, (string?)error["param"]);
        Assert.Contains(fragment, (string)error["message"]!);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    public async Task MalformedBodyIs400(string json)
    {
        var (status, error) = await ErrorAsync(json);

        Assert.Equal(400, status);
        Assert.Equal("400", (string?)error["code"]);
    }

    [Theory]
    [InlineData("\"temperature\":0,\"top_p\":1,\"frequency_penalty\":-2,\"presence_penalty\":2")]
    [InlineData("\"temperature\":2,\"top_p\":0")]
    [InlineData("\"logprobs\":3")]
    [InlineData("\"logprobs\":true,\"top_logprobs\":5")]
    [InlineData("\"logprobs\":false")]
    [InlineData("\"stop\":[\"a\",\"b\",\"c\",\"d\"]")]
    [InlineData("\"stop\":\"\\n\"")]
    [InlineData("\"logit_bias\":{\"50256\":-100,\"11\":100}")]
    [InlineData("\"seed\":-42,\"user\":\"user-1\",\"max_tokens\":1")]
    [InlineData("\"temperature\":null,\"stop\":null,\"tools\":null,\"seed\":null")]
    [InlineData("\"reasoning_effort\":\"low\",\"chat_template_kwargs\":{\"enable_thinking\":false},\"some_future_field\":[1,{\"a\":2}]")]
    [InlineData("\"stream\":false")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"Weather-GetForecast\",\"description\":\"d\",\"parameters\":{\"type\":\"object\"}}}],\"tool_choice\":\"none\",\"parallel_tool_calls\":false")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}")]
    [InlineData("\"response_format\":{\"type\":\"text\"}")]
    public async Task DocumentedValuesAndExtrasAreAccepted(string extra)
    {
        using var response = await PostAsync("chat/completions", Body(extra));
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task RichMessagesAreAccepted()
    {
        const string json = $$$"""
            {"model":"{{{Model}}}","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"developer","content":"Be nice."},
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}],"name":"alice"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"look","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"a cat"},
              {"role":"assistant","content":"A cat."},
              {"role":"user","content":"Thanks"}
            ]}
            """;
        var body = await ChatAsync(json);
        Assert.Contains("Thanks", (string)body["choices"]![0]!["message"]!["content"]!);
    }
}
