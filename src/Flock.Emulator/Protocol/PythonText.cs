using System.Globalization;
using System.Text;

namespace Flock.Emulator.Protocol;

/// <summary>
/// Values written as the proxy (Python) writes them: <c>str(float)</c>, <c>str(datetime)</c>, <c>isoformat()</c>,
/// <c>repr(list)</c>, and the two time forms its rate limits use.
/// </summary>
internal static class PythonText
{
    /// <summary>Python's <c>repr</c> of a float: shortest round-trip digits, exponent form below 1e-4 as <c>e-05</c>.</summary>
    public static string Float(double value)
    {
        // .NET's shortest round-trip form switches to exponent notation at the same points as Python's repr; only the
        // exponent letter and integral values ("0" vs "0.0") differ.
        var text = value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal) ? text : text + ".0";
    }

    /// <summary>A USD amount as the proxy's headers write it (a Python float).</summary>
    public static string Float(decimal value) => Float((double)value);

    /// <summary><c>str()</c> of a UTC datetime, as LiteLLM's messages show times: <c>2026-10-04 03:47:58+00:00</c> (microseconds when not zero).</summary>
    public static string DateTime(DateTimeOffset time) => Format(time.ToUniversalTime(), ' ');

    /// <summary><c>isoformat()</c> of a UTC datetime, as the proxy's JSON bodies carry times: <c>2026-10-04T03:47:58+00:00</c>.</summary>
    public static string IsoFormat(DateTimeOffset time) => Format(time.ToUniversalTime(), 'T');

    /// <summary>LiteLLM's <c>reset_at</c>: <c>strftime("%Y-%m-%d %H:%M:%S UTC")</c>.</summary>
    public static string ResetAt(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>
    /// A duration as OpenAI's rate-limit reset headers write it (Go's duration form): <c>12ms</c>, <c>1s</c>, <c>1.5s</c>,
    /// <c>6m0s</c>, <c>1h2m3.5s</c>. Rounded up to whole milliseconds, so a header never claims a window ended early.
    /// </summary>
    public static string OpenAiDuration(TimeSpan duration)
    {
        var ms = duration <= TimeSpan.Zero ? 0L : (long)Math.Ceiling(duration.TotalMilliseconds);
        if (ms == 0)
        {
            return "0s";
        }

        if (ms < 1000)
        {
            return ms.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        var hours = ms / 3_600_000;
        var minutes = ms / 60_000 % 60;
        var seconds = ms / 1000 % 60;
        var fraction = ms % 1000;
        var sb = new StringBuilder();
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        sb.Append(seconds.ToString(CultureInfo.InvariantCulture));
        if (fraction > 0)
        {
            sb.Append('.').Append(fraction.ToString("000", CultureInfo.InvariantCulture).TrimEnd('0'));
        }

        return sb.Append('s').ToString();
    }

    /// <summary>Python's <c>repr</c> of a list of strings: <c>['a', 'b']</c>.</summary>
    public static string List(IEnumerable<string> items) =>
        "[" + string.Join(", ", items.Select(i => "'" + i.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'")) + "]";

    private static string Format(DateTimeOffset utc, char separator)
    {
        var micros = utc.Ticks % TimeSpan.TicksPerSecond / 10;
        var text = utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + separator + utc.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        return (micros == 0 ? text : text + "." + micros.ToString("000000", CultureInfo.InvariantCulture)) + "+00:00";
    }
}
