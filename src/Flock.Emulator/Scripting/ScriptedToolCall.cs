namespace Flock.Emulator;

/// <summary>A function call the emulator should return; refine one with <c>with { … }</c>.</summary>
public sealed record ScriptedToolCall
{
    /// <summary>Creates a call of <paramref name="name"/> with <paramref name="arguments"/>.</summary>
    /// <param name="name">The function name.</param>
    /// <param name="arguments">The arguments as a JSON text (sent verbatim, even if it is not valid JSON).</param>
    /// <param name="id">The call id; null generates one per response.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="arguments"/> is null.</exception>
    public ScriptedToolCall(string name, string arguments, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(arguments);
        Name = name;
        Arguments = arguments;
        Id = id;
    }

    /// <summary>The function name.</summary>
    public string Name { get; init; }

    /// <summary>The arguments as a JSON text (sent verbatim, even if it is not valid JSON).</summary>
    public string Arguments { get; init; }

    /// <summary>The call id; null generates a <c>chatcmpl-tool-&lt;hex&gt;</c> id per response.</summary>
    public string? Id { get; init; }
}
