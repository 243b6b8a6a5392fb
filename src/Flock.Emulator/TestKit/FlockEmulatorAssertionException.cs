namespace Flock.Emulator;

/// <summary>A test-kit assertion failed; the message says what was expected and what the emulator actually received.</summary>
public sealed class FlockEmulatorAssertionException : Exception
{
    internal FlockEmulatorAssertionException(string message)
        : base(message)
    {
    }
}
