using Microsoft.Extensions.Logging;

namespace Flock.Extensions.AI.Http;

/// <summary>The client's log events. None of them carries the API key; bodies only at Trace and only when opted in.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Flock request starting: {Method} {Uri} model={Model} stream={Stream}")]
    public static partial void RequestStarting(ILogger logger, string method, Uri uri, string? model, bool stream);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Flock request completed: model={Model} duration={DurationMs}ms promptTokens={PromptTokens} completionTokens={CompletionTokens}")]
    public static partial void RequestCompleted(ILogger logger, string? model, long durationMs, int? promptTokens, int? completionTokens);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Flock request failed: status={Status} after {DurationMs}ms: {Error}")]
    public static partial void RequestFailed(ILogger logger, int? status, long durationMs, string error);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Flock request attempt {Attempt} failed ({Reason}); retrying in {DelayMs}ms")]
    public static partial void Retrying(ILogger logger, int attempt, string reason, long delayMs);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Trace, Message = "Flock request body: {Body}")]
    public static partial void RequestBody(ILogger logger, string body);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Trace, Message = "Flock response body: {Body}")]
    public static partial void ResponseBody(ILogger logger, string body);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Flock stream completed: model={Model} duration={DurationMs}ms chunks={Chunks} promptTokens={PromptTokens} completionTokens={CompletionTokens}")]
    public static partial void StreamCompleted(ILogger logger, string? model, long durationMs, int chunks, int? promptTokens, int? completionTokens);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "The request field '{Key}' is not a Flock parameter and is sent to the model server as it is; did you mean {Meant}?")]
    public static partial void LikelyMisspelledParameter(ILogger logger, string key, string meant);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "The Flock model catalogue could not be read, so this call is not checked against it: {Error}")]
    public static partial void CatalogueUnavailable(ILogger logger, string error);
}
