using Microsoft.Extensions.Options;

namespace Flock.Extensions.AI;

/// <summary>
/// Validates <see cref="FlockOptions"/> at start-up (with <c>ValidateOnStart</c>) and on first use, naming the setting that is
/// missing or wrong as it appears in configuration (<c>Flock:ApiKey</c>…). Messages never contain the key.
/// </summary>
internal sealed class FlockOptionsValidator : IValidateOptions<FlockOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, FlockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = string.IsNullOrEmpty(name) ? FlockOptions.SectionName : $"{FlockOptions.SectionName} ({name})";
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add($"{prefix}: {nameof(FlockOptions.ApiKey)} is missing. Set {FlockOptions.SectionName}:{nameof(FlockOptions.ApiKey)} in configuration (environment variable {FlockOptions.SectionName}__{nameof(FlockOptions.ApiKey)}) or FlockOptions.ApiKey in code.");
        }
        else if (FlockClient.InvalidKeyCharacter(options.ApiKey) is { } position)
        {
            failures.Add($"{prefix}: {nameof(FlockOptions.ApiKey)} contains a character that is not allowed in an HTTP header (a control character such as CR or LF, a space, or a non-ASCII character) at position {position}.");
        }

        if (options.Endpoint is not { } endpoint)
        {
            failures.Add($"{prefix}: {nameof(FlockOptions.Endpoint)} is missing; the default is {FlockOptions.DefaultEndpoint}.");
        }
        else if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{prefix}: {nameof(FlockOptions.Endpoint)} must be an absolute http(s) address, e.g. {FlockOptions.DefaultEndpoint}.");
        }
        else if (endpoint.Scheme == Uri.UriSchemeHttp && !endpoint.IsLoopback && !options.AllowInsecureEndpoint)
        {
            failures.Add($"{prefix}: {nameof(FlockOptions.Endpoint)} {endpoint.GetLeftPart(UriPartial.Authority)} is plain HTTP and not loopback; use https or set {nameof(FlockOptions.AllowInsecureEndpoint)}.");
        }

        Positive(failures, prefix, nameof(FlockOptions.RequestTimeout), options.RequestTimeout);
        Positive(failures, prefix, nameof(FlockOptions.StreamFirstEventTimeout), options.StreamFirstEventTimeout);
        Positive(failures, prefix, nameof(FlockOptions.StreamIdleTimeout), options.StreamIdleTimeout);
        Positive(failures, prefix, nameof(FlockOptions.ResponseBodyTimeout), options.ResponseBodyTimeout);
        Limit(failures, prefix, nameof(FlockOptions.MaxResponseBytes), options.MaxResponseBytes);
        Limit(failures, prefix, nameof(FlockOptions.MaxErrorBodyBytes), options.MaxErrorBodyBytes);
        Limit(failures, prefix, nameof(FlockOptions.MaxStreamEventBytes), options.MaxStreamEventBytes);
        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{prefix}: {nameof(FlockOptions.MaxRetries)} must be between 0 and 10, got {options.MaxRetries}.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero)
        {
            failures.Add($"{prefix}: {nameof(FlockOptions.RetryBaseDelay)} cannot be negative.");
        }

        if (options.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add($"{prefix}: {nameof(FlockOptions.MaxRetryAfter)} cannot be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Limit(List<string> failures, string prefix, string setting, int value)
    {
        if (value is < 1 or > FlockClient.MaxLimit)
        {
            failures.Add($"{prefix}: {setting} must be between 1 and {FlockClient.MaxLimit} bytes, got {value}.");
        }
    }

    private static void Positive(List<string> failures, string prefix, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{prefix}: {setting} must be positive (e.g. 00:02:00), or -00:00:00.001 for no limit.");
        }
    }
}
