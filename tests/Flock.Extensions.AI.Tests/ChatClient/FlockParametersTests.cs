using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// The core's public parameter API, as an adapter uses it: <see cref="FlockParameters.Set"/> builds options the chat client
/// reads back unchanged and sends exactly; <see cref="FlockParameters.Read"/> says what the client reads from options.
/// </summary>
public sealed class FlockParametersTests
{
    [Fact]
    public void A_double_a_float_member_would_round_goes_in_the_member_and_exactly_under_its_name()
    {
        var options = new ChatOptions();

        FlockParameters.Set(options, "temperature", 0.1234567890123);
        FlockParameters.Set(options, "top_p", 0.5);

        Assert.Equal(0.12345679f, options.Temperature);
        Assert.Equal(0.1234567890123, options.AdditionalProperties!["temperature"]);
        Assert.Equal(0.5f, options.TopP);
        Assert.False(options.AdditionalProperties.ContainsKey("top_p"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task What_Set_puts_on_the_options_reaches_the_wire_exactly(bool streaming)
    {
        var options = new ChatOptions();
        FlockParameters.Set(options, "temperature", "0.1234567890123");
        FlockParameters.Set(options, FlockParameters.MinP, JsonDocument.Parse("0.05").RootElement);
        FlockParameters.Set(options, FlockParameters.N, 2L);
        FlockParameters.Set(options, "stop", "END");
        FlockParameters.Set(options, "guided_choice", new[] { "a", "b" });

        var body = JsonDocument.Parse(await Calls.MeaiBodyAsync(options, streaming)).RootElement;

        Assert.Equal(0.1234567890123, body.GetProperty("temperature").GetDouble());
        Assert.Equal(0.05, body.GetProperty("min_p").GetDouble());
        Assert.Equal(2, body.GetProperty("n").GetInt32());
        Assert.Equal("[\"END\"]", body.GetProperty("stop").GetRawText());
        Assert.Equal("[\"a\",\"b\"]", body.GetProperty("guided_choice").GetRawText());
        Assert.Equal(["END"], options.StopSequences!);
    }

    [Fact]
    public void Loose_values_are_read_into_the_parameters_types_and_keys_it_does_not_model_are_kept_as_given()
    {
        var options = new ChatOptions();
        var extra = new { a = 1 };

        FlockParameters.Set(options, "max_tokens", "64");
        FlockParameters.Set(options, FlockParameters.LogitBias, new Dictionary<string, object> { ["50256"] = "-100" });
        FlockParameters.Set(options, FlockParameters.Logprobs, true);
        FlockParameters.Set(options, "vendor_x", extra);

        Assert.Equal(64, options.MaxOutputTokens);
        Assert.Equal(new Dictionary<int, int> { [50256] = -100 }, options.AdditionalProperties![FlockParameters.LogitBias]);
        Assert.Equal(true, options.AdditionalProperties[FlockParameters.Logprobs]); // the wire's boolean form, read by the client
        Assert.Same(extra, options.AdditionalProperties["vendor_x"]);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_parameter()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => FlockParameters.Set(new ChatOptions(), FlockParameters.N, "two"));

        Assert.Equal("n", ex.ParamName);
    }

    [Fact]
    public void Null_removes_a_value_from_both_places()
    {
        var options = new ChatOptions();
        FlockParameters.Set(options, "temperature", 0.1234567890123);
        FlockParameters.Set(options, FlockParameters.User, "u");

        FlockParameters.Set(options, "temperature", null);
        FlockParameters.Set(options, FlockParameters.User, null);

        Assert.Null(options.Temperature);
        Assert.Empty(options.AdditionalProperties!);
    }

    [Fact]
    public void Read_gives_what_the_client_reads_typed_members_first_then_keys_then_extra_body()
    {
        var options = new ChatOptions
        {
            Temperature = 0.3f,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low },
            AdditionalProperties = new()
            {
                ["temperature"] = 1.5,
                ["top_k"] = "5",
                ["extra_body"] = new Dictionary<string, object?> { ["seed"] = 9, ["guided_regex"] = "x+" },
                ["guided_regex"] = "y",
            },
        };

        var read = FlockParameters.Read(options);

        Assert.Equal(0.3, read["temperature"]);
        Assert.Equal(5, read["top_k"]);
        Assert.Equal(9L, read["seed"]);
        Assert.Equal("low", read[FlockParameters.ReasoningEffort]);
        Assert.Equal("x+", read["guided_regex"]);
        Assert.False(read.ContainsKey("extra_body"));
    }

    [Fact]
    public void Names_lists_every_parameter_constant()
    {
        var constants = typeof(FlockParameters).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

        Assert.All(constants, name => Assert.Contains(name, FlockParameters.Names));
        Assert.Equal(FlockParameters.Names.Count, FlockParameters.Names.Distinct().Count());
    }
}
