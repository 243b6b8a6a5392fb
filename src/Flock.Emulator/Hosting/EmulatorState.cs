using Flock.Emulator.Recording;
using Flock.Emulator.Scripting;

namespace Flock.Emulator.Hosting;

/// <summary>What the running emulator shares between its public surface and the request handler.</summary>
internal sealed class EmulatorState(FlockEmulatorOptions options, Recorder? recorder, Replayer? replayer)
{
    private int _modelInfoStatus = options.ModelInfoStatus ?? 0;

    public FlockEmulatorOptions Options { get; } = options;

    public TimeProvider Time { get; } = options.TimeProvider;

    public RequestLog Log { get; } = new();

    public ScriptQueue Script { get; } = new();

    public Recorder? Recorder { get; } = recorder;

    public Replayer? Replayer { get; } = replayer;

    /// <summary>The status <c>/model/info</c> answers with instead of the catalogue; null serves the catalogue.</summary>
    public int? ModelInfoStatus
    {
        get => Volatile.Read(ref _modelInfoStatus) is var status and not 0 ? status : null;
        set => Volatile.Write(ref _modelInfoStatus, value ?? 0);
    }
}
