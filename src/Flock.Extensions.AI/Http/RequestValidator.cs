using System.Globalization;

namespace Flock.Extensions.AI.Http;

/// <summary>
/// Checks what concerns the request as a whole before anything is sent: a model, messages, and the rules that tie parameters
/// together. Each parameter's own range is checked by <see cref="ChatParameters"/> as it is written.
/// </summary>
internal static class RequestValidator
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the parameter at fault.</summary>
    public static void Validate(ChatRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw new ArgumentException("model is required: pass a model id to the service or set ModelId in the execution settings.", "model");
        }

        if ((request.Messages is null || request.Messages.Count == 0) && request.Extra?.ContainsKey("messages") != true)
        {
            throw new ArgumentException("messages must hold at least one message.", "messages");
        }

        if (request.BestOf is { } bestOf)
        {
            if (request.Stream == true)
            {
                throw new ArgumentException("best_of is not supported with streaming; remove best_of or use a non-streaming call.", "best_of");
            }

            var n = request.N ?? 1;
            if (bestOf < n)
            {
                throw new ArgumentOutOfRangeException("best_of", bestOf, $"best_of must be greater than or equal to n ({n.ToString(CultureInfo.InvariantCulture)}).");
            }
        }

        if (request.StreamOptions is not null && request.Stream != true)
        {
            throw new ArgumentException("stream_options is only used when stream is true.", "stream_options");
        }
    }
}
