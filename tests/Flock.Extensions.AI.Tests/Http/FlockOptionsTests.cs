namespace Flock.Extensions.AI.Tests.Http;

/// <summary>The endpoint an options object reports: the default until one is set, and exactly what was set afterwards (null included).</summary>
public sealed class FlockOptionsTests
{
    [Fact]
    public void The_endpoint_is_the_default_until_set_and_what_was_set_afterwards()
    {
        var options = new FlockOptions();
        Assert.Same(FlockOptions.DefaultEndpoint, options.Endpoint);
        Assert.Equal(new Uri("https://api.flock.io/v1"), options.Endpoint);

        var local = new Uri("http://127.0.0.1:5000/v1");
        options.Endpoint = local;
        Assert.Same(local, options.Endpoint);
        Assert.Same(local, options.Clone().Endpoint);

        // A null set stays null, so start-up validation reports the endpoint as missing rather than quietly using the default.
        options.Endpoint = null!;
        Assert.Null(options.Endpoint);
        Assert.Null(options.Clone().Endpoint);
    }

    [Fact]
    public void A_client_given_options_whose_endpoint_was_set_to_null_uses_the_default()
    {
        var client = new FlockClient(new FlockOptions { ApiKey = "sk-test", Endpoint = null! });
        Assert.Equal(FlockOptions.DefaultEndpoint, client.Endpoint);
    }
}
