// 13 · Image generation: a picture from a prompt, through SK's ITextToImageService and MEAI's IImageGenerator.
// Run: dotnet run examples/13-image-generation.cs   (offline on the built-in emulator unless FLOCK_API_KEY is set;
//      against the real service, set FLOCK_IMAGE_MODEL to an image model your key can use)
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false

#pragma warning disable SKEXP0001 // SK's text-to-image service is experimental.
#pragma warning disable MEAI001   // so is MEAI's image generator.

using System.Drawing;
using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextToImage;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

var imageModel = Environment.GetEnvironmentVariable("FLOCK_IMAGE_MODEL");
if (string.IsNullOrEmpty(imageModel))
{
    if (!flock.IsEmulator)
    {
        Console.WriteLine("Set FLOCK_IMAGE_MODEL to an image model your Flock key can use, then run this again.");
        return;
    }

    imageModel = "emulator-image-model";   // the emulator draws a small PNG for any model name
}

// Semantic Kernel: register the service on the kernel, ask for one 1024x1024 image; the bytes come back in an ImageContent.
var kernel = Kernel.CreateBuilder()
    .AddFlockTextToImage(modelId: imageModel, apiKey: flock.ApiKey, endpoint: flock.Endpoint)
    .Build();
var images = await kernel.GetRequiredService<ITextToImageService>().GetImageContentsAsync(
    new Microsoft.SemanticKernel.TextContent("A lighthouse on a cliff at dusk, watercolour"),
    new FlockTextToImageExecutionSettings { Width = 1024, Height = 1024 });

var image = images[0];
var path = Path.Combine(Path.GetTempPath(), $"flock-image-{Guid.NewGuid():N}.png");
await File.WriteAllBytesAsync(path, image.Data!.Value.ToArray());
Console.WriteLine($"SK:   {image.MimeType}, {image.Data.Value.Length} bytes, written to {path}");

// Microsoft.Extensions.AI: the same call as an IImageGenerator, with MEAI's options.
using IImageGenerator generator = new FlockImageGenerator(imageModel, flock.ApiKey, flock.Endpoint);
var response = await generator.GenerateImagesAsync("A red kite over the sea", new ImageGenerationOptions { ImageSize = new Size(512, 512) });
foreach (var data in response.Contents.OfType<DataContent>())
{
    Console.WriteLine($"MEAI: {data.MediaType}, {data.Data.Length} bytes");
}
