using System.Drawing;
using System.Net;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextToImage;
using TextContent = Microsoft.SemanticKernel.TextContent;

#pragma warning disable MEAI001 // MEAI's image generation API is experimental.

namespace Flock.IntegrationTests;

/// <summary>Image generation through SK's text-to-image service and MEAI's image generator, over HTTP against the emulator.</summary>
public sealed class ImageGenerationTests : EmulatorTest
{
    private const string ImageModel = "test-image-model";
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private FlockTextToImageService SkImages(Action<FlockOptions>? configure = null) => new(new FlockClient(Options(configure)), ImageModel);

    private FlockImageGenerator MeaiImages(Action<FlockOptions>? configure = null) => new(new FlockClient(Options(configure)), ImageModel);

    private System.Text.Json.Nodes.JsonObject SingleImageBody()
    {
        var requests = Emulator.Requests.Where(r => r.Path.EndsWith("/images/generations", StringComparison.Ordinal)).ToList();
        Assert.Single(requests);
        Assert.Equal("POST", requests[0].Method);
        Assert.Equal(Emulator.ApiKey, requests[0].Header("x-litellm-api-key"));
        return requests[0].Json!.AsObject();
    }

    private static void AssertPng(ReadOnlyMemory<byte> bytes)
    {
        Assert.True(bytes.Length > PngMagic.Length, "the image is empty");
        Assert.Equal(PngMagic, bytes.Span[..PngMagic.Length].ToArray());
    }

    [Fact]
    public async Task Sk_ReturnsPngImageContent_AndSendsTheDocumentedFields()
    {
        var settings = new FlockTextToImageExecutionSettings { Width = 1024, Height = 1024, ImageCount = 1, User = "u-1" };

        var images = await SkImages().GetImageContentsAsync(new TextContent("a lighthouse at dusk"), settings);

        var image = Assert.Single(images);
        Assert.Equal("image/png", image.MimeType);
        Assert.NotNull(image.Data);
        AssertPng(image.Data.Value);
        Assert.Equal(ImageModel, image.ModelId);
        Assert.Equal("a lighthouse at dusk", image.Metadata![FlockTextToImageService.RevisedPromptKey]);
        Assert.IsType<DateTimeOffset>(image.Metadata[FlockMetadataKeys.Created]);

        var body = SingleImageBody();
        Assert.Equal(ImageModel, (string?)body["model"]);
        Assert.Equal("a lighthouse at dusk", (string?)body["prompt"]);
        Assert.Equal(1, (int?)body["n"]);
        Assert.Equal("1024x1024", (string?)body["size"]);
        Assert.Equal("b64_json", (string?)body["response_format"]);
        Assert.Equal("u-1", (string?)body["user"]);
    }

    [Fact]
    public async Task Sk_ReadsLooseSettings_AndPassesExtrasThrough()
    {
        var settings = new PromptExecutionSettings
        {
            ExtensionData = new Dictionary<string, object> { ["width"] = 256, ["height"] = 512, ["n"] = 2, ["quality"] = "hd" },
        };

        var images = await SkImages().GetImageContentsAsync(new TextContent("two cats"), settings);

        Assert.Equal(2, images.Count);
        Assert.All(images, image => AssertPng(image.Data!.Value));
        Assert.NotEqual(images[0].Data!.Value.ToArray(), images[1].Data!.Value.ToArray());
        var body = SingleImageBody();
        Assert.Equal("256x512", (string?)body["size"]);
        Assert.Equal(2, (int?)body["n"]);
        Assert.Equal("hd", (string?)body["quality"]);
    }

    [Fact]
    public async Task Sk_UrlFormat_DecodesADataUrl()
    {
        var images = await SkImages().GetImageContentsAsync(new TextContent("a map"), new FlockTextToImageExecutionSettings { ResponseFormat = "url" });

        var image = Assert.Single(images);
        Assert.Equal("image/png", image.MimeType);
        AssertPng(image.Data!.Value);
        Assert.Equal("url", (string?)SingleImageBody()["response_format"]);
    }

    [Fact]
    public async Task Sk_ThroughTheKernel_UsesTheRegisteredService()
    {
        var kernel = Kernel.CreateBuilder().AddFlockTextToImage(ImageModel, Emulator.ApiKey, Emulator.Endpoint).Build();
        var service = kernel.GetRequiredService<ITextToImageService>();

        Assert.IsType<FlockTextToImageService>(service);
        var images = await service.GetImageContentsAsync(new TextContent("a bicycle"), kernel: kernel);
        AssertPng(Assert.Single(images).Data!.Value);
    }

    [Fact]
    public async Task Meai_ReturnsPngDataContent_AndSendsSizeAndCount()
    {
        using IImageGenerator generator = MeaiImages();

        var response = await generator.GenerateImagesAsync("a red kite", new ImageGenerationOptions { Count = 1, ImageSize = new Size(512, 256) });

        var data = Assert.IsType<DataContent>(Assert.Single(response.Contents));
        Assert.Equal("image/png", data.MediaType);
        AssertPng(data.Data);
        var body = SingleImageBody();
        Assert.Equal(ImageModel, (string?)body["model"]);
        Assert.Equal("a red kite", (string?)body["prompt"]);
        Assert.Equal(1, (int?)body["n"]);
        Assert.Equal("512x256", (string?)body["size"]);
        Assert.Equal("b64_json", (string?)body["response_format"]);
        Assert.Equal("flock", generator.GetService<ImageGeneratorMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task Meai_ReadsRequestFieldsByTheirJsonNames_AndMarksEachImage()
    {
        using IImageGenerator generator = MeaiImages();
        var options = new ImageGenerationOptions { AdditionalProperties = new() { ["size"] = "auto", ["user"] = "u-2", ["n"] = "1", ["style"] = "vivid" } };

        var response = await generator.GenerateImagesAsync("a red kite", options);

        var image = Assert.IsType<DataContent>(Assert.Single(response.Contents));
        Assert.Equal("a red kite", image.AdditionalProperties![FlockPropertyNames.RevisedPrompt]);
        Assert.IsType<DateTimeOffset>(image.AdditionalProperties[FlockPropertyNames.Created]);
        var body = SingleImageBody();
        Assert.Equal("auto", (string?)body["size"]);
        Assert.Equal("u-2", (string?)body["user"]);
        Assert.Equal(1, (int?)body["n"]);
        Assert.Equal("vivid", (string?)body["style"]);
    }

    [Fact]
    public async Task Meai_AFieldGivenTwice_IsRefusedBeforeSending()
    {
        using IImageGenerator generator = MeaiImages();
        var options = new ImageGenerationOptions { ImageSize = new Size(64, 64), AdditionalProperties = new() { ["size"] = "auto" } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateImagesAsync("a red kite", options));

        Assert.Equal("size", ex.ParamName);
        Assert.Empty(Emulator.Requests);
    }

    [Fact]
    public async Task Meai_ThroughDependencyInjection_ResolvesTheGenerator()
    {
        var services = new ServiceCollection();
        services.AddFlockImageGenerator(ImageModel, Emulator.ApiKey, Emulator.Endpoint);
        await using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IImageGenerator>();
        var response = await generator.GenerateImagesAsync("a teapot");

        Assert.NotNull(generator.GetService<FlockImageGenerator>());
        AssertPng(Assert.IsType<DataContent>(Assert.Single(response.Contents)).Data);
    }

    [Fact]
    public async Task Error400_CarriesTheProxysMessage_ThroughBothAdapters_InEachStacksConvention()
    {
        Emulator.Enqueue(ScriptedReply.Error(400, "litellm.BadRequestError: image model not found", "invalid_request_error", "model"));
        Emulator.Enqueue(ScriptedReply.Error(400, "litellm.BadRequestError: prompt rejected", "invalid_request_error", "prompt"));

        // SK's convention (HttpOperationException) with the core's exception inside; MEAI gets the core's exception.
        var sk = await Assert.ThrowsAsync<FlockHttpOperationException>(() => SkImages().GetImageContentsAsync(new TextContent("x")));
        var meai = await Assert.ThrowsAsync<FlockException>(() => MeaiImages().GenerateImagesAsync("y"));

        Assert.IsAssignableFrom<HttpOperationException>(sk);
        Assert.Same(sk.Error, sk.InnerException);
        Assert.Equal(HttpStatusCode.BadRequest, sk.StatusCode);
        Assert.Contains("image model not found", sk.Message);
        Assert.Equal("model", sk.ErrorParam);
        Assert.Equal("model", sk.Error.ErrorParam);
        Assert.Equal(HttpStatusCode.BadRequest, meai.StatusCode);
        Assert.Contains("prompt rejected", meai.Message);
        Assert.DoesNotContain(Emulator.ApiKey, sk.Message);
    }

    [Fact]
    public async Task TransientError_IsRetried_LikeChat()
    {
        Emulator.Enqueue(ScriptedReply.Error(503, "upstream busy"));

        // The kit's clients do not retry; this one retries once, at once.
        var images = await SkImages(o => (o.MaxRetries, o.RetryBaseDelay) = (1, TimeSpan.FromMilliseconds(1))).GetImageContentsAsync(new TextContent("a boat"));

        AssertPng(Assert.Single(images).Data!.Value);
        Assert.Equal(2, Emulator.Requests.Count(r => r.Path.EndsWith("/images/generations", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WrongKey_Is401()
    {
        var service = new FlockTextToImageService(ImageModel, "sk-wrong-key", Emulator.Endpoint);

        var ex = await Assert.ThrowsAsync<FlockHttpOperationException>(() => service.GetImageContentsAsync(new TextContent("x")));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.Error.StatusCode);
    }

    [Theory]
    [InlineData(0, null, null, "n")]
    [InlineData(null, 0, 10, "size")]
    [InlineData(null, 10, null, "size")]
    public async Task Sk_InvalidParameters_ThrowBeforeSending(int? count, int? width, int? height, string param)
    {
        var settings = new FlockTextToImageExecutionSettings { ImageCount = count, Width = width, Height = height };

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => SkImages().GetImageContentsAsync(new TextContent("x"), settings));

        Assert.Equal(param, ex.ParamName);
        Assert.Empty(Emulator.Requests);
    }

    [Fact]
    public async Task InvalidSizeOrPrompt_ThrowBeforeSending()
    {
        var size = await Assert.ThrowsAnyAsync<ArgumentException>(() => SkImages().GetImageContentsAsync(
            new TextContent("x"), new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["size"] = "big" } }));
        var prompt = await Assert.ThrowsAnyAsync<ArgumentException>(() => MeaiImages().GenerateImagesAsync(" "));
        var count = await Assert.ThrowsAnyAsync<ArgumentException>(() => MeaiImages().GenerateImagesAsync("x", new ImageGenerationOptions { Count = 0 }));

        Assert.Equal("size", size.ParamName);
        Assert.Equal("prompt", prompt.ParamName);
        Assert.Equal("n", count.ParamName);
        Assert.Empty(Emulator.Requests);
    }

    [Fact]
    public async Task Meai_ImageEdits_AreNotSupported()
    {
        var original = new DataContent(new byte[] { 1, 2, 3 }, "image/png");

        await Assert.ThrowsAsync<NotSupportedException>(() => MeaiImages().EditImageAsync(original, "make it blue"));
        Assert.Empty(Emulator.Requests);
    }
}
