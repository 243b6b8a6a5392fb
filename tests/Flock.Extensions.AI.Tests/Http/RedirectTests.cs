using System.Net;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>Redirects: followed with the key within the endpoint's origin, never to another one (so the key stays home).</summary>
public sealed class RedirectTests
{
    [Fact]
    public async Task A_same_origin_redirect_is_followed_with_the_key_and_the_same_body()
    {
        var handler = new RecordingHandler()
            .Enqueue(_ => Task.FromResult(Redirect(HttpStatusCode.TemporaryRedirect, "/v2/chat/completions")))
            .EnqueueJson(TestFiles.Read("completion.json"));

        await ((IChatClient)TestFlock.ChatClient(handler)).GetResponseAsync(Calls.Messages());

        Assert.Equal(new Uri("https://flock.test/v2/chat/completions"), handler.Requests[1].Uri);
        Assert.Equal(TestFlock.ApiKey, handler.Requests[1].Header("x-litellm-api-key"));
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
    }

    [Fact]
    public async Task A_cross_origin_redirect_is_not_followed_and_the_error_names_the_place()
    {
        var handler = new RecordingHandler()
            .Enqueue(_ => Task.FromResult(Redirect(HttpStatusCode.Redirect, "https://evil.test/steal")))
            .EnqueueJson(TestFiles.Read("completion.json"));

        var ex = await Assert.ThrowsAsync<FlockException>(() => ((IChatClient)TestFlock.ChatClient(handler)).GetResponseAsync(Calls.Messages()));

        Assert.Single(handler.Requests);
        Assert.Contains("evil.test", ex.Message);
    }

    private static HttpResponseMessage Redirect(HttpStatusCode status, string location)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
        return response;
    }
}
