using Flock.Emulator.Recording;
using Flock.Emulator.Scripting;

namespace Flock.Emulator.Hosting;

/// <summary>What the running emulator shares between its public surface and the request handler.</summary>
internal sealed class EmulatorState
{
    private int _modelInfoStatus;

    public EmulatorState(FlockEmulatorOptions options, Recorder? recorder, Replayer? replayer)
    {
        Options = options;
        Time = options.TimeProvider;
        Recorder = recorder;
        Replayer = replayer;
        _modelInfoStatus = options.ModelInfoStatus ?? 0;
        Key = new KeyAccount(options, Time);
        Limiter = new RateLimiter(options, Time, Key.Hash);
    }

    public FlockEmulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public RequestLog Log { get; } = new();

    public ScriptQueue Script { get; } = new();

    public Recorder? Recorder { get; }

    public Replayer? Replayer { get; }

    /// <summary>The key's spend, budget, expiry and models.</summary>
    public KeyAccount Key { get; }

    /// <summary>The key's rate limits.</summary>
    public RateLimiter Limiter { get; }

    /// <summary>Models scripted to fail.</summary>
    public ModelFaults Faults { get; } = new();

    /// <summary>The status <c>/model/info</c> answers with instead of the catalogue; null serves the catalogue.</summary>
    public int? ModelInfoStatus
    {
        get => Volatile.Read(ref _modelInfoStatus) is var status and not 0 ? status : null;
        set => Volatile.Write(ref _modelInfoStatus, value ?? 0);
    }
}
