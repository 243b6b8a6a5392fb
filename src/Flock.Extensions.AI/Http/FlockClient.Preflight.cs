using System.Globalization;
using System.Text.Json;

namespace Flock.Extensions.AI;

/// <summary>Pre-flight checks against the model catalogue (<see cref="FlockOptions.ValidateAgainstModelInfo"/>).</summary>
public sealed partial class FlockClient
{
    /// <summary>Refuses, before sending, what the catalogue says the model cannot do; nothing when the option is off.</summary>
    /// <remarks>Not an async method itself: with the option off (the default) a process's first call compiles no state machine for it.</remarks>
    private ValueTask PreflightAsync(ChatRequest request, CancellationToken cancellationToken) =>
        _options.ValidateAgainstModelInfo ? CheckAgainstCatalogueAsync(request, cancellationToken) : default;

    private async ValueTask CheckAgainstCatalogueAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        if (_catalogue is null)
        {
            try
            {
                await ListModelInfoAsync(refresh: false, cancellationToken).ConfigureAwait(false);
            }
            catch (FlockException ex)
            {
                // No catalogue means nothing is known, and unknown means allowed: the call goes ahead (the fetch is tried
                // again next call), and the failure is logged.
                Log.CatalogueUnavailable(_logger, ex.Message);
            }
        }

        if (GetCachedModelInfo(request.Model) is { } model)
        {
            Preflight.Check(request, model);
        }
    }
}

/// <summary>The checks themselves: one typed error each, naming the model and what it lacks. Unknown means allowed.</summary>
internal static class Preflight
{
    public static void Check(ChatRequest request, FlockModelInfo model)
    {
        if (request.MaxTokens is { } maxTokens && model.MaxOutputTokens is { } limit && maxTokens > limit)
        {
            throw new ArgumentOutOfRangeException("max_tokens", maxTokens,
                $"max_tokens must be at most {limit.ToString(CultureInfo.InvariantCulture)}, the output limit of {model.Id} in the model catalogue.");
        }

        if (model.SupportsVision == false && HasImage(request))
        {
            throw new NotSupportedException($"The model catalogue says {model.Id} does not take images (supports_vision: false); nothing was sent.");
        }

        if (model.SupportsFunctionCalling == false && request.Tools is { Count: > 0 })
        {
            throw new NotSupportedException($"The model catalogue says {model.Id} does not take tools (supports_function_calling: false); nothing was sent.");
        }

        if (model.SupportsResponseSchema == false && request.ResponseFormat is { } format && IsJsonSchema(format))
        {
            throw new NotSupportedException($"The model catalogue says {model.Id} does not follow a JSON schema (supports_response_schema: false); nothing was sent.");
        }
    }

    private static bool HasImage(ChatRequest request)
    {
        foreach (var message in request.Messages ?? [])
        {
            if (message.Content is { Parts: { } parts } && parts.Exists(static p => p.ImageUrl is not null))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsJsonSchema(JsonElement format) =>
        format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var type)
        && type.ValueKind == JsonValueKind.String && type.GetString() == "json_schema";
}
