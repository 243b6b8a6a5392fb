using System.Globalization;

namespace Flock.Extensions.AI;

/// <summary>Image generation: <c>POST {endpoint}/images/generations</c>, over the same auth, retries, timeouts and error mapping.</summary>
public sealed partial class FlockClient
{
    /// <summary>Sends an image generation request (validated first) and returns the proxy's answer.</summary>
    internal async Task<ImageResponse> GenerateImagesAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Model) && _options.ModelId is { } model)
        {
            request.Model = model;
        }

        ValidateImageRequest(request);
        var uri = new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + "/images/generations");
        using var body = PooledJsonBody.Create(request, FlockJsonContext.Default.ImageRequest);
        Log.RequestStarting(_logger, "POST", uri, request.Model, stream: false);
        LogRequestBody(body);

        var (images, status, elapsed, info) = await SendJsonAsync(
            HttpMethod.Post, uri, body, FlockJsonContext.Default.ImageResponse, cancellationToken, new ModelCall(request.Model, 0)).ConfigureAwait(false);
        if (images.Error is { } error)
        {
            throw Failed(ErrorMapper.FromStreamError(error, _options.ApiKey, duringStream: false), elapsed, info);
        }

        if (images.Data is not { Count: > 0 })
        {
            throw Failed(new FlockException("Flock answered the image generation request without any image.", status), elapsed, info);
        }

        Log.RequestCompleted(_logger, request.Model, (long)elapsed.TotalMilliseconds, null, null);
        return images;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first image parameter that cannot be right.</summary>
    internal static void ValidateImageRequest(ImageRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw new ArgumentException("model is required: pass an image model id to the service or generator.", "model");
        }

        if (string.IsNullOrWhiteSpace(request.Prompt))
        {
            throw new ArgumentException("prompt must be a non-empty description of the image.", "prompt");
        }

        if (request.N is { } n && n < 1)
        {
            throw new ArgumentOutOfRangeException("n", n, "n (the number of images) must be at least 1.");
        }

        if (request.Size is { } size && !IsImageSize(size))
        {
            throw new ArgumentException($"size must be WIDTHxHEIGHT in pixels (e.g. \"1024x1024\") or \"auto\", got \"{size}\".", "size");
        }

        if (request.ResponseFormat is { } format && format is not ("b64_json" or "url"))
        {
            throw new ArgumentException($"response_format must be \"b64_json\" or \"url\", got \"{format}\".", "response_format");
        }
    }

    private static bool IsImageSize(string size)
    {
        if (size == "auto")
        {
            return true;
        }

        var x = size.IndexOf('x', StringComparison.Ordinal);
        return x > 0
            && int.TryParse(size.AsSpan(0, x), NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w > 0
            && int.TryParse(size.AsSpan(x + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h > 0;
    }
}
