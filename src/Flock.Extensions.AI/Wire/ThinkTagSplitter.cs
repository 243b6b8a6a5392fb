namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Splits one choice's content into reasoning and answer at <c>&lt;think&gt;…&lt;/think&gt;</c> tags (see <see cref="FlockThinkTags"/>).
/// Streaming: text arrives in pieces, tags may be cut anywhere (<c>&lt;th</c> + <c>ink&gt;</c>); at most a tag's length of
/// text is held back, and only while it could still be the start of the tag looked for. Plain answers cost nothing: once
/// the content is known not to open with a tag, every piece passes through as it is. Whitespace right after either tag,
/// and right before <c>&lt;/think&gt;</c>, is dropped, the same way whether the content arrives whole or in pieces.
/// </summary>
internal sealed class ThinkTagSplitter
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    private State _state;
    private string _held = "";

    public ThinkTagSplitter(FlockThinkTags mode)
    {
        _state = mode switch
        {
            FlockThinkTags.Auto => State.Opening,
            FlockThinkTags.ClosingTagOnly => State.OpeningOptional,
            _ => State.Answer,
        };
    }

    private enum State
    {
        /// <summary>Auto: leading whitespace and a partial <c>&lt;think&gt;</c> held until it is known whether the content opens with it.</summary>
        Opening,

        /// <summary>Closing-tag-only: a leading <c>&lt;think&gt;</c> is dropped if present; everything else is reasoning already.</summary>
        OpeningOptional,

        /// <summary>Just after <c>&lt;think&gt;</c>: whitespace is dropped until the thinking starts.</summary>
        AfterOpen,

        /// <summary>Inside the thinking: looking for <c>&lt;/think&gt;</c>.</summary>
        Reasoning,

        /// <summary>Just after <c>&lt;/think&gt;</c>: whitespace is dropped until the answer starts.</summary>
        AfterClose,

        /// <summary>The answer: everything passes through.</summary>
        Answer,
    }

    /// <summary>Splits the whole content of a non-streamed answer.</summary>
    public static (string? Reasoning, string? Answer) Split(string content, FlockThinkTags mode)
    {
        // Plain answers (the usual case) cost nothing: in Auto mode only content that opens with '<' can hold a tag.
        if (mode == FlockThinkTags.Off || (mode == FlockThinkTags.Auto && content.AsSpan().TrimStart() is not ['<', ..]))
        {
            return (null, content.Length == 0 ? null : content);
        }

        var splitter = new ThinkTagSplitter(mode);
        splitter.Add(content, out var reasoning, out var answer);
        splitter.Complete(out var lastReasoning, out var lastAnswer);
        return (Join(reasoning, lastReasoning), Join(answer, lastAnswer));
    }

    /// <summary>
    /// The server sent reasoning in its own field: it has a reasoning parser, so the content is the answer. (A closing-tag-only
    /// split would otherwise take an answer that has no tag for reasoning.)
    /// </summary>
    public void ServerSentReasoning()
    {
        if (_state is State.Opening or State.OpeningOptional && _held.Length == 0)
        {
            _state = State.Answer;
        }
    }

    /// <summary>Takes the next piece of content; returns what is known to be reasoning and answer so far (null when none).</summary>
    public void Add(string text, out string? reasoning, out string? answer)
    {
        reasoning = null;
        answer = null;
        if (_state == State.Answer)
        {
            answer = text.Length == 0 ? null : text;
            return;
        }

        var pending = _held.Length == 0 ? text : _held + text;
        _held = "";
        Step(pending, ref reasoning, ref answer);
    }

    /// <summary>At the end of the content: what was held back is released as what it most likely is.</summary>
    public void Complete(out string? reasoning, out string? answer)
    {
        reasoning = null;
        answer = null;
        if (_held.Length == 0)
        {
            return;
        }

        // Held text never became the tag looked for: at the start it is answer (Auto) or reasoning (closing tag only);
        // inside the thinking it is reasoning.
        if (_state == State.Opening)
        {
            answer = _held;
        }
        else
        {
            reasoning = _held;
        }

        _held = "";
    }

    private void Step(string pending, ref string? reasoning, ref string? answer)
    {
        while (pending.Length > 0)
        {
            switch (_state)
            {
                case State.Opening:
                case State.OpeningOptional:
                {
                    var start = LeadingWhitespace(pending);
                    var rest = pending.AsSpan(start);
                    if (rest.Length == 0 || (rest.Length < Open.Length && Open.AsSpan().StartsWith(rest, StringComparison.Ordinal)))
                    {
                        // Only whitespace or the beginning of "<think>" so far: undecided.
                        _held = pending;
                        return;
                    }

                    if (rest.StartsWith(Open, StringComparison.Ordinal))
                    {
                        _state = State.AfterOpen;
                        pending = rest[Open.Length..].ToString();
                        continue;
                    }

                    if (_state == State.Opening)
                    {
                        _state = State.Answer;
                        answer = Join(answer, pending);
                        return;
                    }

                    _state = State.Reasoning;
                    continue;
                }

                case State.AfterOpen:
                {
                    var start = LeadingWhitespace(pending);
                    if (start == pending.Length)
                    {
                        return;
                    }

                    _state = State.Reasoning;
                    pending = pending[start..];
                    continue;
                }

                case State.Reasoning:
                {
                    var close = pending.IndexOf(Close, StringComparison.Ordinal);
                    if (close >= 0)
                    {
                        reasoning = Join(reasoning, pending[..close].TrimEnd());
                        _state = State.AfterClose;
                        pending = pending[(close + Close.Length)..];
                        continue;
                    }

                    // Hold back a possible beginning of "</think>" and the whitespace before it (dropped if the tag follows),
                    // so the streamed reasoning is exactly the non-streamed one.
                    var keep = PartialTagAtEnd(pending, Close);
                    var emit = pending.AsSpan(0, pending.Length - keep).TrimEnd().Length;
                    reasoning = Join(reasoning, emit == pending.Length ? pending : pending[..emit]);
                    _held = emit == pending.Length ? "" : pending[emit..];
                    return;
                }

                case State.AfterClose:
                {
                    var start = LeadingWhitespace(pending);
                    if (start == pending.Length)
                    {
                        return;
                    }

                    _state = State.Answer;
                    answer = Join(answer, pending[start..]);
                    return;
                }

                default:
                    answer = Join(answer, pending);
                    return;
            }
        }
    }

    /// <summary>The length of the longest end of <paramref name="text"/> that is a proper beginning of <paramref name="tag"/>.</summary>
    private static int PartialTagAtEnd(string text, string tag)
    {
        for (var length = Math.Min(tag.Length - 1, text.Length); length > 0; length--)
        {
            if (text.AsSpan(text.Length - length).SequenceEqual(tag.AsSpan(0, length)))
            {
                return length;
            }
        }

        return 0;
    }

    private static int LeadingWhitespace(string text)
    {
        var i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static string? Join(string? first, string? second) =>
        string.IsNullOrEmpty(first) ? (string.IsNullOrEmpty(second) ? null : second)
        : string.IsNullOrEmpty(second) ? first
        : first + second;
}
