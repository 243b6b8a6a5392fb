using System.Net;
using System.Net.Sockets;
using Flock.Emulator.Hosting;
using Flock.Emulator.Protocol;
using Microsoft.Extensions.Logging;

namespace Flock.Emulator;

/// <summary>Settings for a <see cref="FlockEmulator"/>: where it listens, which key it accepts and which models it serves.</summary>
public sealed class FlockEmulatorOptions
{
    /// <summary>
    /// The model ids served when <see cref="Models"/> is left unchanged: instruct and thinking models, two that put their
    /// thinking inside the content (<c>deepseek-r1-distill-qwen-32b</c> as <c>&lt;think&gt;…&lt;/think&gt;</c>,
    /// <c>qwen3-30b-a3b-thinking-2507</c> with only the closing tag), <c>llama-3.3-70b-instruct</c>, which
    /// <c>/model/info</c> does not describe, and <c>deepseek-v3.2-thinking</c>, which wants its reasoning back on tool turns.
    /// </summary>
    public static IReadOnlyList<string> DefaultModels { get; } = Array.AsReadOnly(ModelCatalog.BuiltIn.Select(m => m.Id).ToArray());

    /// <summary>TCP port to listen on; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Address to bind; must be a loopback address unless <see cref="AllowNonLoopback"/> is set.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Allows <see cref="Host"/> to be a non-loopback address (exposes the emulator to the network).</summary>
    public bool AllowNonLoopback { get; set; }

    /// <summary>The key clients must send in the <c>x-litellm-api-key</c> header.</summary>
    public string ApiKey { get; set; } = "sk-flock-emulator";

    /// <summary>Accepts the key as <c>Authorization: Bearer</c> too, as the proxy does; default true. When false such a request gets a 401 naming <c>x-litellm-api-key</c>.</summary>
    public bool AcceptAuthorizationHeader { get; set; } = true;

    /// <summary>The clock behind every scripted delay and timestamp; default <see cref="TimeProvider.System"/>. Tests may pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>An error status (e.g. 404 or 403) that <c>/model/info</c> answers instead of the catalogue; null serves it.</summary>
    public int? ModelInfoStatus { get; set; }

    /// <summary>Proxies every request to a real Flock endpoint and records the exchanges to files; see <see cref="RecordOptions"/>.</summary>
    public RecordOptions? Record { get; set; }

    /// <summary>Serves recorded exchanges offline, byte for byte; see <see cref="ReplayOptions"/>.</summary>
    public ReplayOptions? Replay { get; set; }

    /// <summary>Model ids the emulator serves; requests naming any other model get a 400.</summary>
    public IList<string> Models { get; } = new List<string>(DefaultModels);

    /// <summary>Logger factory for Kestrel and the emulator; null keeps the emulator silent.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The proxy version sent as <c>x-litellm-version</c> and in <c>/health/readiness</c>; default <c>emulator</c>.</summary>
    public string ProxyVersion { get; set; } = "emulator";

    /// <summary>
    /// The key's request limit per <see cref="RateLimitWindow"/> (LiteLLM's <c>rpm_limit</c>), counted as LiteLLM's own
    /// limiter counts it; null (default) sets none. Answers then carry <c>x-ratelimit-api_key-{remaining|limit}-requests</c>
    /// and <c>x-litellm-key-rpm-limit</c>, and a request beyond the limit gets a 429 with <c>retry-after</c> and <c>reset_at</c>.
    /// </summary>
    public int? RateLimitRequests { get; set; }

    /// <summary>
    /// The key's token limit per <see cref="RateLimitWindow"/> (LiteLLM's <c>tpm_limit</c>), counting the tokens
    /// <see cref="RateLimitTokenCounting"/> names once each call completes; null (default) sets none.
    /// </summary>
    public int? RateLimitTokens { get; set; }

    /// <summary>
    /// The length of a rate-limit window, on <see cref="TimeProvider"/>'s clock; default 60 s (LiteLLM's
    /// <c>LITELLM_RATE_LIMIT_WINDOW_SIZE</c>). A window opens with the first request after the last one closed.
    /// </summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Which tokens count against <see cref="RateLimitTokens"/> and <see cref="ModelRateLimitTokens"/>; default output tokens, as LiteLLM counts them.</summary>
    public RateLimitTokenCounting RateLimitTokenCounting { get; set; } = RateLimitTokenCounting.Output;

    /// <summary>Per-model request limits of the key (LiteLLM's <c>model_rpm_limit</c>): answers for such a model carry <c>x-ratelimit-model_per_key-…</c>.</summary>
    public IDictionary<string, int> ModelRateLimitRequests { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Per-model token limits of the key (LiteLLM's <c>model_tpm_limit</c>), counted in the same window.</summary>
    public IDictionary<string, int> ModelRateLimitTokens { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>How many calls the key may have in flight at once (LiteLLM's <c>max_parallel_requests</c>); null (default) sets no limit.</summary>
    public int? MaxParallelRequests { get; set; }

    /// <summary>
    /// Also sends the upstream provider's OpenAI-form headers, counted against the key's window:
    /// <c>x-ratelimit-{remaining|limit}-{requests|tokens}</c>, their <c>llm_provider-</c> copies and the reset
    /// <c>llm_provider-x-ratelimit-reset-{requests|tokens}</c> as an OpenAI duration (<c>12ms</c>, <c>1s</c>, <c>6m0s</c>).
    /// Needs <see cref="RateLimitRequests"/> or <see cref="RateLimitTokens"/>.
    /// </summary>
    public bool UpstreamRateLimitHeaders { get; set; }

    /// <summary>
    /// How many times the proxy retries a failed model call (LiteLLM's <c>num_retries</c>) before it falls back or fails;
    /// default 0. An answer after a retry carries <c>x-litellm-max-retries</c>. See <see cref="FlockEmulator.FailModel"/>.
    /// </summary>
    public int ProxyRetries { get; set; }

    /// <summary>What the key has spent when the emulator starts, in USD; each priced answer adds its cost.</summary>
    public decimal KeySpend { get; set; }

    /// <summary>The key's budget in USD (LiteLLM's <c>max_budget</c>); once spent, chat and image calls get a 429 <c>budget_exceeded</c>. Null (default): none.</summary>
    public decimal? KeyMaxBudget { get; set; }

    /// <summary>How often the key's spend resets, in LiteLLM's form (<c>30s</c>, <c>10m</c>, <c>1h</c>, <c>30d</c>); null (default) never.</summary>
    public string? KeyBudgetDuration { get; set; }

    /// <summary>When the key expires; from then on every call gets a 401 <c>expired_key</c>. Null (default): never.</summary>
    public DateTimeOffset? KeyExpires { get; set; }

    /// <summary>The models the key may call (empty, the default, means all); another model gets a 401 <c>key_model_access_denied</c>.</summary>
    public IList<string> KeyModels { get; } = new List<string>();

    /// <summary>The key's alias, as <c>/key/info</c> and a budget error name it; null (default) names the key masked.</summary>
    public string? KeyAlias { get; set; }

    /// <summary>
    /// Puts <c>usage.cost</c> (USD) in a streamed answer's usage chunk when the request asks for usage, as a proxy with
    /// <c>include_cost_in_streaming_usage</c> does (never for a zero cost); default true. False models a proxy without it.
    /// </summary>
    public bool UsageCostOnStreams { get; set; } = true;

    /// <summary>Puts <c>usage.cost</c> (USD) in non-streamed answers too (never for a zero cost); default false.</summary>
    public bool UsageCostOnCompletions { get; set; }

    /// <summary>
    /// Sends <c>x-litellm-response-cost</c> on streamed answers too; default true, as the emulator always has. The real proxy
    /// knows no cost when a stream starts and sends none: set false to model it. The cost parts are never sent on streams.
    /// </summary>
    public bool CostHeaderOnStreams { get; set; } = true;

    /// <summary>A discount on every cost, as a fraction (0.05 = 5%, LiteLLM's <c>cost_discount_config</c>); default 0.</summary>
    public decimal CostDiscount { get; set; }

    /// <summary>A margin added after the discount, as a fraction (0.1 = 10%, LiteLLM's <c>cost_margin_config</c>); default 0.</summary>
    public decimal CostMargin { get; set; }

    internal FlockEmulatorOptions Snapshot()
    {
        var copy = new FlockEmulatorOptions
        {
            Port = Port,
            Host = Host,
            AllowNonLoopback = AllowNonLoopback,
            ApiKey = ApiKey,
            AcceptAuthorizationHeader = AcceptAuthorizationHeader,
            LoggerFactory = LoggerFactory,
            TimeProvider = TimeProvider,
            ModelInfoStatus = ModelInfoStatus,
            Record = Record,
            Replay = Replay,
            ProxyVersion = ProxyVersion,
            RateLimitRequests = RateLimitRequests,
            RateLimitTokens = RateLimitTokens,
            RateLimitWindow = RateLimitWindow,
            RateLimitTokenCounting = RateLimitTokenCounting,
            MaxParallelRequests = MaxParallelRequests,
            UpstreamRateLimitHeaders = UpstreamRateLimitHeaders,
            ProxyRetries = ProxyRetries,
            KeySpend = KeySpend,
            KeyMaxBudget = KeyMaxBudget,
            KeyBudgetDuration = KeyBudgetDuration,
            KeyExpires = KeyExpires,
            KeyAlias = KeyAlias,
            UsageCostOnStreams = UsageCostOnStreams,
            UsageCostOnCompletions = UsageCostOnCompletions,
            CostHeaderOnStreams = CostHeaderOnStreams,
            CostDiscount = CostDiscount,
            CostMargin = CostMargin,
        };
        copy.Models.Clear();
        foreach (var model in Models)
        {
            copy.Models.Add(model);
        }

        foreach (var model in KeyModels)
        {
            copy.KeyModels.Add(model);
        }

        foreach (var (model, limit) in ModelRateLimitRequests)
        {
            copy.ModelRateLimitRequests[model] = limit;
        }

        foreach (var (model, limit) in ModelRateLimitTokens)
        {
            copy.ModelRateLimitTokens[model] = limit;
        }

        return copy;
    }

    /// <summary>Checks the settings and resolves <see cref="Host"/> to the address to bind.</summary>
    internal IPAddress Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be between 0 and 65535 (0 picks a free port).");
        }

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            throw new ArgumentException("ApiKey must not be empty.", nameof(ApiKey));
        }

        if (Models.Count == 0 || Models.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Models must contain at least one non-empty model id.", nameof(Models));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        CheckModelInfoStatus(ModelInfoStatus);
        ValidateProxySettings();
        if (Record is not null && Replay is not null)
        {
            throw new ArgumentException("Record and Replay cannot both be set: record once, then replay.", nameof(Replay));
        }

        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("Host must not be empty.", nameof(Host));
        }

        var address = ResolveHost(Host);
        if (!IPAddress.IsLoopback(address) && !AllowNonLoopback)
        {
            throw new ArgumentException(
                $"Host '{Host}' is not a loopback address. The emulator only binds loopback unless AllowNonLoopback is set (--allow-non-loopback).",
                nameof(Host));
        }

        return address;
    }

    /// <summary>Checks the proxy's behaviour settings: limits, key, costs and version.</summary>
    private void ValidateProxySettings()
    {
        if (string.IsNullOrWhiteSpace(ProxyVersion) || ProxyVersion.Any(c => c < 0x20 || c > 0x7E))
        {
            throw new ArgumentException("ProxyVersion must be non-empty printable ASCII (it is sent as a header).", nameof(ProxyVersion));
        }

        Positive(RateLimitRequests, nameof(RateLimitRequests));
        Positive(RateLimitTokens, nameof(RateLimitTokens));
        Positive(MaxParallelRequests, nameof(MaxParallelRequests));
        if (RateLimitWindow <= TimeSpan.Zero || RateLimitWindow > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RateLimitWindow), RateLimitWindow, "RateLimitWindow must be more than zero and at most one day (LiteLLM's default is 60 s).");
        }

        if (!Enum.IsDefined(RateLimitTokenCounting))
        {
            throw new ArgumentOutOfRangeException(nameof(RateLimitTokenCounting), RateLimitTokenCounting, "RateLimitTokenCounting must be Output, Input or Total.");
        }

        CheckModelLimits(ModelRateLimitRequests, nameof(ModelRateLimitRequests));
        CheckModelLimits(ModelRateLimitTokens, nameof(ModelRateLimitTokens));
        if (UpstreamRateLimitHeaders && RateLimitRequests is null && RateLimitTokens is null)
        {
            throw new ArgumentException("UpstreamRateLimitHeaders needs RateLimitRequests or RateLimitTokens: the upstream's headers are counted against the key's window.", nameof(UpstreamRateLimitHeaders));
        }

        if (ProxyRetries is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(ProxyRetries), ProxyRetries, "ProxyRetries must be between 0 and 10.");
        }

        if (KeySpend < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(KeySpend), KeySpend, "KeySpend cannot be negative.");
        }

        if (KeyMaxBudget < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(KeyMaxBudget), KeyMaxBudget, "KeyMaxBudget cannot be negative (null sets no budget).");
        }

        if (KeyBudgetDuration is not null && BudgetDuration.TryParse(KeyBudgetDuration) is null)
        {
            throw new ArgumentException($"KeyBudgetDuration must be a positive whole number of seconds, minutes, hours or days, as LiteLLM writes it (30s, 10m, 1h, 30d), got '{KeyBudgetDuration}'.", nameof(KeyBudgetDuration));
        }

        if (KeyModels.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("KeyModels must not contain an empty model id (leave it empty to allow every model).", nameof(KeyModels));
        }

        if (KeyAlias is not null && (KeyAlias.Length == 0 || KeyAlias.Any(char.IsControl)))
        {
            throw new ArgumentException("KeyAlias must be non-empty and contain no control characters.", nameof(KeyAlias));
        }

        if (CostDiscount is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CostDiscount), CostDiscount, "CostDiscount is a fraction from 0 up to (not including) 1, e.g. 0.05 for 5%.");
        }

        if (CostMargin is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(CostMargin), CostMargin, "CostMargin is a fraction from 0 to 10, e.g. 0.1 for 10%.");
        }
    }

    private static void Positive(int? value, string name)
    {
        if (value is < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1 (null sets no limit).");
        }
    }

    private static void CheckModelLimits(IDictionary<string, int> limits, string name)
    {
        foreach (var (model, limit) in limits)
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                throw new ArgumentException($"{name} must not name an empty model id.", name);
            }

            if (limit < 1)
            {
                throw new ArgumentOutOfRangeException(name, limit, $"{name}[{model}] must be at least 1.");
            }
        }
    }

    internal static void CheckModelInfoStatus(int? status)
    {
        if (status is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(ModelInfoStatus), status, "ModelInfoStatus is an error status (400-599, e.g. 404 or 403), or null to serve /model/info.");
        }
    }

    private static IPAddress ResolveHost(string host)
    {
        var trimmed = host.Trim().Trim('[', ']');
        if (string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(trimmed, out var parsed))
        {
            return parsed;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(trimmed);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault()
                ?? throw new ArgumentException($"Host '{host}' did not resolve to any address.", nameof(Host));
        }
        catch (SocketException ex)
        {
            throw new ArgumentException($"Host '{host}' could not be resolved: {ex.Message}", nameof(Host), ex);
        }
    }
}

/// <summary>Which of a call's tokens count against a token rate limit (LiteLLM's <c>token_rate_limit_type</c>).</summary>
public enum RateLimitTokenCounting
{
    /// <summary>The completion tokens only: LiteLLM's default.</summary>
    Output,

    /// <summary>The prompt tokens only.</summary>
    Input,

    /// <summary>Prompt and completion tokens.</summary>
    Total,
}
