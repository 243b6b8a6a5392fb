using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Flock.Extensions.AI.Http;

/// <summary>Turns Flock's error answers into <see cref="FlockException"/>s that carry its own message, never the key.</summary>
internal static class ErrorMapper
{
    private const int MaxBodyChars = 64 * 1024;

    /// <summary>Reads the error body of a failed response (the response is disposed by the caller).</summary>
    public static async Task<FlockException> FromResponseAsync(HttpResponseMessage response, string apiKey, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            body = "";
        }

        body = Redact(body.Length > MaxBodyChars ? body[..MaxBodyChars] : body, apiKey);
        var status = response.StatusCode;
        var retryAfter = RetryAfter(response);
        var detail = TryParse(body);
        var reason = response.ReasonPhrase is { Length: > 0 } phrase ? phrase : status.ToString();
        var prefix = $"Flock returned HTTP {(int)status} ({reason})";

        string message;
        if (detail?.Message is { Length: > 0 } flockMessage)
        {
            message = $"{prefix}: {Redact(flockMessage, apiKey)}";
        }
        else if (body.Length == 0)
        {
            message = $"{prefix} with an empty body.";
        }
        else
        {
            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "unknown content type";
            message = $"{prefix} with a body that is not Flock's JSON error ({mediaType}): {Excerpt(body)}";
        }

        return new FlockException(message, status, body)
        {
            ErrorType = detail?.Type,
            ErrorParam = detail?.Param,
            ErrorCode = detail?.Code,
            RetryAfter = retryAfter,
        };
    }

    /// <summary>The proxy's mid-stream <c>data: {"error": …}</c> event.</summary>
    public static FlockException FromStreamError(ErrorDetail error, string apiKey)
    {
        HttpStatusCode? status = int.TryParse(error.Code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) && code is >= 100 and < 600
            ? (HttpStatusCode)code
            : null;
        var text = Redact(error.Message ?? "no message", apiKey);
        return new FlockException($"Flock reported an error during the stream{(status is null ? "" : $" (code {(int)status})")}: {text}", status, null)
        {
            ErrorType = error.Type,
            ErrorParam = error.Param,
            ErrorCode = error.Code,
            DuringStream = true,
        };
    }

    /// <summary>The delay of a <c>Retry-After</c> header, in seconds or as an HTTP date.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Replaces any occurrence of the key with a mask.</summary>
    public static string Redact(string text, string apiKey) =>
        apiKey.Length >= 4 && text.Contains(apiKey, StringComparison.Ordinal) ? text.Replace(apiKey, "***", StringComparison.Ordinal) : text;

    private static ErrorDetail? TryParse(string body)
    {
        if (body.Length == 0 || body.AsSpan().TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, FlockJsonContext.Default.ErrorBody)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Excerpt(string body)
    {
        // HTML error pages from a load balancer: keep the readable text, short.
        var builder = new StringBuilder(Math.Min(body.Length, 200));
        var inTag = false;
        var lastWasSpace = true;
        foreach (var c in body)
        {
            if (c == '<') { inTag = true; continue; }
            if (c == '>') { inTag = false; continue; }
            if (inTag) { continue; }
            var space = char.IsWhiteSpace(c);
            if (space && lastWasSpace) { continue; }
            builder.Append(space ? ' ' : c);
            lastWasSpace = space;
            if (builder.Length >= 200) { builder.Append('…'); break; }
        }

        return builder.ToString().Trim();
    }
}
