using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Flock.Extensions.AI.Http;

/// <summary>Turns Flock's error answers into <see cref="FlockException"/>s that carry its own message, never the key.</summary>
internal static class ErrorMapper
{
    /// <summary>
    /// Reads at most <paramref name="maxBodyBytes"/> (plus room for a key cut at the edge) of the error body of a failed
    /// response, masks the key, then cuts; the response is disposed by the caller.
    /// </summary>
    public static async Task<FlockException> FromResponseAsync(
        HttpResponseMessage response, FlockResponseInfo? info, string apiKey, int maxBodyBytes, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = "";
        var unread = false;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var _ = stream.ConfigureAwait(false);
            var room = (int)Math.Min((long)maxBodyBytes + (4L * apiKey.Length) + 4, FlockClient.MaxLimit);
            var (buffer, length, complete) = await PooledResponseBody.ReadAsync(stream, Math.Min(room, 16 * 1024), room, cancellationToken).ConfigureAwait(false);
            try
            {
                body = Encoding.UTF8.GetString(buffer, 0, Math.Min(length, room));
                unread = !complete;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException or InvalidOperationException or ObjectDisposedException)
        {
            // The status says what matters; a body that cannot be read (reset, corrupt encoding) is left out.
        }

        // Mask first, then cut: a key at the edge is masked whole, and a key cut in two is masked too.
        var kept = Redaction.RedactAndCut(body, apiKey, maxBodyBytes, out var cut);
        cut |= unread;
        var status = response.StatusCode;
        var retryAfter = FlockRetryHandler.RetryAfter(response, time);
        var detail = cut ? null : TryParse(body);
        var reason = response.ReasonPhrase is { Length: > 0 } phrase ? Redaction.Redact(phrase, apiKey) : status.ToString();
        var prefix = $"Flock returned HTTP {(int)status} ({reason})";

        string message;
        if (detail?.Message is { Length: > 0 } flockMessage)
        {
            message = $"{prefix}: {Redaction.Redact(flockMessage, apiKey)}";
        }
        else if (kept.Length == 0)
        {
            message = $"{prefix} with an empty body.";
        }
        else
        {
            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "unknown content type";
            message = $"{prefix} with a body that is not Flock's JSON error ({mediaType}): {Excerpt(kept)}";
        }

        if (cut)
        {
            message += $" (error body cut at FlockOptions.MaxErrorBodyBytes = {maxBodyBytes} bytes)";
        }

        return new FlockException(message, status, kept)
        {
            ErrorType = RedactOrNull(detail?.Type, apiKey),
            ErrorParam = RedactOrNull(detail?.Param, apiKey),
            ErrorCode = RedactOrNull(detail?.Code, apiKey),
            RetryAfter = retryAfter,
            ResponseInfo = info,
        };
    }

    /// <summary>The proxy's <c>{"error": …}</c> object, met in a stream event, a 200 body or a streaming request's JSON answer.</summary>
    public static FlockException FromStreamError(ErrorDetail error, string apiKey, bool duringStream)
    {
        HttpStatusCode? status = int.TryParse(error.Code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) && code is >= 100 and < 600
            ? (HttpStatusCode)code
            : null;
        var text = Redaction.Redact(error.Message ?? "no message", apiKey);
        var where = duringStream ? "during the stream" : "in its answer";
        return new FlockException($"Flock reported an error {where}{(status is null ? "" : $" (code {(int)status})")}: {text}", status, null)
        {
            ErrorType = RedactOrNull(error.Type, apiKey),
            ErrorParam = RedactOrNull(error.Param, apiKey),
            ErrorCode = RedactOrNull(error.Code, apiKey),
            DuringStream = duringStream,
        };
    }

    /// <summary>Flock's error fields from a body, or null when it is not its JSON error.</summary>
    public static ErrorDetail? TryParse(string body)
    {
        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.Length == 0 || trimmed[0] != '{')
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

    private static string? RedactOrNull(string? text, string apiKey) => text is null ? null : Redaction.Redact(text, apiKey);

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
