namespace Flock.Extensions.AI;

/// <summary>
/// How thinking text that a model server left inside the answer (<c>&lt;think&gt;…&lt;/think&gt;</c>) is split from it.
/// Set it per call (<c>think_tags</c>), or as the default in <see cref="FlockOptions.ThinkTags"/>.
/// </summary>
/// <remarks>
/// Servers with a reasoning parser send thinking as <c>reasoning_content</c>; this applies only when they do not. An answer
/// whose thinking never closes (the model ran out of tokens while thinking) is all reasoning; text streamed as reasoning is
/// never taken back. With Qwen3's thinking switched off (<c>chat_template_kwargs: {"enable_thinking": false}</c>) the
/// model sends no tags, and splitting is off for that call.
/// </remarks>
public enum FlockThinkTags
{
    /// <summary>Content that begins (after optional whitespace) with <c>&lt;think&gt;</c> is split at <c>&lt;/think&gt;</c>; other content is left alone. The default.</summary>
    Auto,

    /// <summary>For models that emit only the closing tag (Qwen3 thinking models): everything before <c>&lt;/think&gt;</c> is reasoning.</summary>
    ClosingTagOnly,

    /// <summary>Content is never split.</summary>
    Off,
}
