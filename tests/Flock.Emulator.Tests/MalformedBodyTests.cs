namespace Flock.Emulator.Tests;

/// <summary>A body that is not JSON is answered as the proxy answers it: a 400 in its error shape, with no .NET parser text.</summary>
public sealed class MalformedBodyTests : EmulatorTestBase
{
    /// <summary>Words that only .NET's JSON reader would put in a message.</summary>
    private static readonly string[] DotNetWords = ["System.", "BytePositionInLine", "LineNumber", "Path: $", "JsonException", "JsonReader", "is an invalid"];

    [Theory]
    [InlineData("{not json", "line 1 column 2 (char 1)")]
    [InlineData("{\"model\":\"m\",}", "line 1 column 14 (char 13)")]
    [InlineData("{\n  \"model\": \"é\",\n  oops\n}", "line 3 column 3 (char 20)")]
    [InlineData("{\"model\":\"unterminated", "line 1 column ")]
    [InlineData("{\"model\":\"m\"} trailing", "line 1 column ")]
    public async Task NotJsonIs400NamingWhereInPythonsWords(string body, string where)
    {
        var (status, error) = await ErrorAsync(body);

        Assert.Equal(400, status);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        var message = (string)error["message"]!;
        Assert.StartsWith("litellm.BadRequestError: Invalid JSON payload received. The body is not valid JSON: ", message);
        Assert.Contains(where, message);
        Assert.All(DotNetWords, word => Assert.DoesNotContain(word, message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n ")]
    public async Task AnEmptyBodyIsSaidToBeEmpty(string body)
    {
        var (status, error) = await ErrorAsync(body);

        Assert.Equal(400, status);
        Assert.Equal("litellm.BadRequestError: Invalid JSON payload received. The request body is empty.", (string?)error["message"]);
    }

    [Fact]
    public async Task TooDeepANestingIsSaidToBeTooDeep()
    {
        var body = new string('[', 300) + new string(']', 300);
        var (status, error) = await ErrorAsync(body);

        Assert.Equal(400, status);
        var message = (string)error["message"]!;
        Assert.Contains("The body nests deeper than 256 levels: line 1 column ", message);
        Assert.All(DotNetWords, word => Assert.DoesNotContain(word, message));
    }

    [Fact]
    public async Task ImagesAnswerMalformedJsonAlike()
    {
        var (status, error) = await ErrorAsync("{prompt", "images/generations");

        Assert.Equal(400, status);
        Assert.StartsWith("litellm.BadRequestError: Invalid JSON payload received. The body is not valid JSON: line 1 column 2 (char 1)", (string)error["message"]!);
    }

    [Theory]
    [InlineData("\"temperature\":1e400", "temperature")]
    [InlineData("\"top_p\":-1e400", "top_p")]
    [InlineData("\"seed\":1e400", "seed")]
    [InlineData("\"logit_bias\":{\"1\":1e400}", "logit_bias")]
    public async Task ANumberBeyondDoubleIsA400NamingTheParameterNotA500(string extra, string param)
    {
        var (status, error) = await ErrorAsync(Body(extra));

        Assert.Equal(400, status);
        Assert.Equal(param, (string?)error["param"]);
        Assert.All(DotNetWords, word => Assert.DoesNotContain(word, (string)error["message"]!));
    }
}
