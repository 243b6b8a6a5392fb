using System.Globalization;

namespace Flock.Extensions.AI.Http;

/// <summary>The LiteLLM proxy's own figure for what a call cost: the <c>x-litellm-response-cost</c> header, in USD.</summary>
internal static class ResponseCost
{
    public const string HeaderName = "x-litellm-response-cost";

    /// <summary>The header's value, or null when it is absent, not a number, negative or implausibly large.</summary>
    public static decimal? From(HttpResponseMessage response) =>
        response.Headers.TryGetValues(HeaderName, out var values) && values.FirstOrDefault() is { } text
        && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var cost) && cost >= 0 && cost < 1_000_000
            ? cost
            : null;
}
