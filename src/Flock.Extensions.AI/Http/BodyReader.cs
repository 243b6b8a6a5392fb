namespace Flock.Extensions.AI.Http;

/// <summary>Reads a JSON response body into its wire record (null for a JSON <c>null</c>); malformed JSON is a <see cref="System.Text.Json.JsonException"/>.</summary>
internal delegate T? BodyReader<T>(ReadOnlySpan<byte> json)
    where T : class;
