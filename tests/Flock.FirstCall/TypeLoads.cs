using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Flock.FirstCall;

/// <summary>
/// With <c>FLOCK_FIRST_CALL_TYPES=1</c>, the types the runtime loaded by the first token, one per line on standard error
/// (README.md): the runtime's own type-load events, read in-process. Outside the JIT, most of a first call is loading types,
/// mostly generic instantiations, so comparing two clients' lists shows what one of them loads that the other does not.
/// The listener costs the process time of its own, so a run that lists types is not a measurement.
/// </summary>
public sealed class TypeLoads : EventListener
{
    // The runtime's provider and its TypeDiagnostic keyword, which carries TypeLoadStart/TypeLoadStop.
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords TypeDiagnostic = (EventKeywords)0x8000000000;

    private readonly ConcurrentQueue<(DateTime At, string Name)> _loaded = new();

    private TypeLoads()
    {
    }

    /// <summary>A listener when the environment asks for one; started at <c>Main</c>, before the client runs.</summary>
    public static TypeLoads? StartIfAsked() =>
        Environment.GetEnvironmentVariable("FLOCK_FIRST_CALL_TYPES") == "1" ? new TypeLoads() : null;

    /// <summary>
    /// Writes the distinct types loaded up to <paramref name="firstToken"/>, sorted. The runtime hands its events to
    /// listeners on a thread of its own, a little later: this waits until one from after the first token has arrived.
    /// </summary>
    public void Write(DateTime firstToken, TextWriter output)
    {
        // A type no client loads, loaded now: once its event is in, so are the earlier ones.
        _ = typeof(List<>).MakeGenericType(typeof(TypeLoads));
        for (var waited = 0; waited < 100 && !_loaded.Any(t => t.At > firstToken); waited++)
        {
            Thread.Sleep(20);
        }

        foreach (var name in _loaded.Where(t => t.At <= firstToken).Select(t => t.Name).Distinct().Order(StringComparer.Ordinal))
        {
            output.WriteLine("type " + name);
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, TypeDiagnostic);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName == "TypeLoadStop" && eventData.PayloadNames?.IndexOf("TypeName") is int i and >= 0 && eventData.Payload![i] is string name)
        {
            _loaded.Enqueue((eventData.TimeStamp.ToUniversalTime(), name));
        }
    }
}
