namespace Flock.Emulator;

/// <summary>A function call the emulator should return; <paramref name="Id"/> defaults to a generated <c>chatcmpl-tool-&lt;hex&gt;</c>.</summary>
/// <param name="Name">The function name.</param>
/// <param name="Arguments">The arguments as a JSON text (sent verbatim, even if it is not valid JSON).</param>
/// <param name="Id">The call id; null generates one per response.</param>
public sealed record ScriptedToolCall(string Name, string Arguments, string? Id = null);
