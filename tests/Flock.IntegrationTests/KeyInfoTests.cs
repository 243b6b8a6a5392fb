using System.Net;
using System.Security.Cryptography;
using System.Text;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests;

/// <summary>What <c>GET /key/info</c> says of the calling key, through both adapters, against the emulator's key.</summary>
public sealed class KeyInfoTests : EmulatorTest
{
    private static readonly DateTimeOffset Expires = new(2099, 1, 31, 12, 0, 0, TimeSpan.Zero);

    protected override FlockEmulatorOptions CreateOptions()
    {
        var options = new FlockEmulatorOptions
        {
            KeySpend = 1.25m,
            KeyMaxBudget = 10m,
            KeyBudgetDuration = "30d",
            KeyExpires = Expires,
            KeyAlias = "integration",
            RateLimitRequests = 100,
            RateLimitTokens = 50_000,
            MaxParallelRequests = 3,
        };
        options.KeyModels.Add(Model);
        return options;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Both_adapters_read_what_the_proxy_knows_of_the_key(bool semanticKernel)
    {
        var info = semanticKernel ? await SkService().GetKeyInfoAsync() : await ChatClient().GetKeyInfoAsync();

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Emulator.ApiKey))), info.KeyHash);
        Assert.Equal("integration", info.KeyAlias);
        Assert.Equal(1.25m, info.Spend);
        Assert.Equal(10m, info.MaxBudget);
        Assert.Equal(8.75m, info.RemainingBudget);
        Assert.Equal("30d", info.BudgetDurationText);
        Assert.Equal(TimeSpan.FromDays(30), info.BudgetDuration);
        Assert.NotNull(info.BudgetResetAt);
        Assert.Equal(Expires, info.ExpiresAt);
        Assert.Equal([Model], info.AllowedModels);
        Assert.False(info.AllowsAllModels);
        Assert.Equal(100, info.RpmLimit);
        Assert.Equal(50_000, info.TpmLimit);
        Assert.Equal(3, info.MaxParallelRequests);

        // At the server root, the key in its header and nowhere in the address.
        var request = Assert.Single(Emulator.Requests);
        Assert.Equal("GET /key/info", $"{request.Method} {request.Path}");
        Assert.Equal("", request.Query);
        Assert.Equal(Emulator.ApiKey, request.Header("x-litellm-api-key"));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task The_spend_grows_with_each_priced_answer(bool semanticKernel, bool streaming)
    {
        var before = await ChatClient().GetKeyInfoAsync();

        if (semanticKernel)
        {
            var service = SkService();
            var history = new ChatHistory();
            history.AddUserMessage("Say something.");
            if (streaming)
            {
                await service.GetStreamingChatMessageContentsAsync(history).ToListAsync();
            }
            else
            {
                await service.GetChatMessageContentAsync(history);
            }
        }
        else
        {
            IChatClient chat = ChatClient();
            if (streaming)
            {
                await chat.GetStreamingResponseAsync("Say something.").ToListAsync();
            }
            else
            {
                await chat.GetResponseAsync("Say something.");
            }
        }

        var after = semanticKernel ? await SkService().GetKeyInfoAsync() : await ChatClient().GetKeyInfoAsync();

        Assert.True(after.Spend > before.Spend, $"spend {before.Spend} should have grown, is {after.Spend}");
        Assert.Equal(Emulator.KeySpend, after.Spend);
        Assert.Equal(after.MaxBudget - after.Spend, after.RemainingBudget);
        Assert.True(after.RemainingBudget < before.RemainingBudget);
    }

    [Fact]
    public async Task A_rejected_key_is_401_in_both_adapters_and_never_named()
    {
        const string wrongKey = "sk-wrong-0123456789abcdef";

        var core = await Assert.ThrowsAsync<FlockException>(() => ChatClient(o => o.ApiKey = wrongKey).GetKeyInfoAsync());
        var sk = await Assert.ThrowsAsync<FlockHttpOperationException>(() => SkService(o => o.ApiKey = wrongKey).GetKeyInfoAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, core.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, sk.StatusCode);
        Assert.IsType<FlockException>(sk.InnerException);
        Assert.Contains("Invalid proxy server token passed", sk.Message);
        Assert.DoesNotContain(wrongKey, core.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, sk.ToString(), StringComparison.Ordinal);
        Assert.All(Emulator.Requests, r => Assert.Equal("/key/info", r.Path));
    }
}
