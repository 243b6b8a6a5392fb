using System.Runtime.CompilerServices;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Meai = Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Mapping;

/// <summary>
/// Maps Semantic Kernel's chat history and settings to Microsoft.Extensions.AI, keeping what SK's own conversion drops:
/// reasoning (sent back only with <c>include_reasoning_in_history</c>), author names, images, and kernel functions' plugin
/// names (calls go out under the name their tool was offered with).
/// </summary>
internal static class SkToMeai
{
    /// <summary>
    /// The options for one call, built as an MEAI caller would build them: the settings by their JSON names
    /// (<see cref="FlockParameters.Set"/>: typed members where MEAI has them, the exact values under their names otherwise),
    /// the model, and the behaviour's functions as tools (strict with <see cref="FunctionChoiceBehaviorOptions.AllowStrictSchemaAdherence"/>,
    /// as SK's OpenAI connector sends them). The settings are Flock's or plain ones (the bridge reads another connector's into
    /// Flock's first). With auto-invocation the options are SK's own subclass carrying the kernel, which SK's function
    /// invocation needs to run the kernel's filters. Plain settings that set nothing give no options at all, as an MEAI caller
    /// with nothing to set passes none (the core then builds no parameter table for the call).
    /// </summary>
    public static Meai.ChatOptions? ToChatOptions(PromptExecutionSettings settings, FunctionChoiceBehaviorConfiguration? functions, Kernel? kernel, bool autoInvoke)
    {
        if (!autoInvoke && settings.GetType() == typeof(PromptExecutionSettings) && settings.ModelId is null
            && settings.ExtensionData is not { Count: > 0 } && functions?.Functions is not { Count: > 0 })
        {
            return null;
        }

        var options = autoInvoke ? KernelOptions(settings, kernel!) : new Meai.ChatOptions { ModelId = settings.ModelId };
        switch (settings)
        {
            case FlockPromptExecutionSettings flock:
                flock.WriteTo(options);
                break;
            case { ExtensionData: { Count: > 0 } data }:
                SettingKeys.WriteTo(options, data, null);
                break;
        }

        if (functions?.Functions is { Count: > 0 } offered)
        {
            var strict = functions.Options?.AllowStrictSchemaAdherence is true;
            var tools = new List<Meai.AITool>(offered.Count);
            foreach (var function in offered)
            {
                // A kernel function is an MEAI AIFunction named Plugin_function: the one name it has on the wire. Without
                // auto-invocation nothing runs it here, so it is offered as its declaration at once.
                tools.Add(autoInvoke ? function : OfferedTools.Declare(function, strict));
            }

            options.Tools = tools;
            if (strict && autoInvoke)
            {
                // SK's function invocation finds kernel functions by instance type, so they stay as they are up to the layer
                // below it (OfferedNamesChatClient), which offers them as declarations, strict.
                (options.AdditionalProperties ??= [])[OfferedTools.StrictMarker] = true;
            }

            options.ToolMode = functions.Choice == FunctionChoice.None ? Meai.ChatToolMode.None
                : functions.Choice == FunctionChoice.Required ? Meai.ChatToolMode.RequireAny
                : Meai.ChatToolMode.Auto;
            options.AllowMultipleToolCalls = functions.Options?.AllowParallelCalls;
        }

        return options;
    }

    /// <summary>
    /// SK's options subclass (internal to SK) from SK's public <c>ToChatOptions</c>, given plain settings: it carries the kernel
    /// and the settings SK's filters see. The behaviour is put on those settings afterwards, so SK neither round-trips our
    /// settings through reflection-based JSON nor clones every kernel function into a tool (the tools are set above, once).
    /// Tests pin each of these SK behaviours.
    /// </summary>
    private static Meai.ChatOptions KernelOptions(PromptExecutionSettings settings, Kernel kernel)
    {
        var plain = new PromptExecutionSettings { ModelId = settings.ModelId, ServiceId = settings.ServiceId };
        var options = plain.ToChatOptions(kernel);
        plain.FunctionChoiceBehavior = settings.FunctionChoiceBehavior;
        return options;
    }

    /// <summary>The history as MEAI messages, after the settings' system and developer prompts (each a leading system message).</summary>
    public static List<Meai.ChatMessage> ToMessages(ChatHistory history, PromptExecutionSettings settings)
    {
        var (system, developer) = SettingKeys.Prompts(settings);
        var messages = new List<Meai.ChatMessage>(history.Count + 2);
        foreach (var prompt in (ReadOnlySpan<string?>)[system, developer])
        {
            if (prompt is { Length: > 0 })
            {
                messages.Add(new Meai.ChatMessage(Meai.ChatRole.System, prompt));
            }
        }

        foreach (var message in history)
        {
            messages.Add(Mapped(message));
        }

        return messages;
    }

    /// <summary>
    /// Text messages mapped before, by message: a conversation sends its history again on every turn. An entry is used only
    /// while the message still holds what it was mapped from (role, author, the same items with the same text), so a message
    /// changed since is mapped anew; the mapped message is only read by the pipeline.
    /// </summary>
    private static readonly ConditionalWeakTable<ChatMessageContent, MappedText> TextMessages = [];

    private static Meai.ChatMessage Mapped(ChatMessageContent message)
    {
        if (TextMessages.TryGetValue(message, out var cached) && cached.IsFor(message))
        {
            return cached.Message;
        }

        var mapped = ToMessage(message);
        if (MappedText.TryCreate(message, mapped) is { } entry)
        {
            TextMessages.AddOrUpdate(message, entry);
        }

        return mapped;
    }

    /// <summary>A text-only message as mapped, and what it was mapped from.</summary>
    private sealed class MappedText
    {
        private readonly string _role;
        private readonly string? _authorName;
        private readonly KernelContent[] _items;
        private readonly string?[] _texts;

        private MappedText(Meai.ChatMessage message, string role, string? authorName, KernelContent[] items, string?[] texts)
        {
            Message = message;
            _role = role;
            _authorName = authorName;
            _items = items;
            _texts = texts;
        }

        public Meai.ChatMessage Message { get; }

        public static MappedText? TryCreate(ChatMessageContent message, Meai.ChatMessage mapped)
        {
            var items = new KernelContent[message.Items.Count];
            var texts = new string?[items.Length];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = message.Items[i];
                texts[i] = Text(items[i]);
                if (items[i] is not (TextContent or ReasoningContent))
                {
                    return null;
                }
            }

            return new MappedText(mapped, message.Role.Label, message.AuthorName, items, texts);
        }

        public bool IsFor(ChatMessageContent message)
        {
            var items = message.Items;
            if (!ReferenceEquals(message.Role.Label, _role) || !ReferenceEquals(message.AuthorName, _authorName) || items.Count != _items.Length)
            {
                return false;
            }

            for (var i = 0; i < _items.Length; i++)
            {
                if (!ReferenceEquals(items[i], _items[i]) || !ReferenceEquals(Text(items[i]), _texts[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static string? Text(KernelContent item) => item switch
        {
            TextContent text => text.Text,
            ReasoningContent reasoning => reasoning.Text,
            _ => null,
        };
    }

    public static Meai.ChatMessage ToMessage(ChatMessageContent message)
    {
        var items = message.Items;
        var contents = new Meai.AIContent[items.Count];
        var count = 0;
        for (var i = 0; i < items.Count; i++)
        {
            if (ToContent(items[i]) is { } content)
            {
                contents[count++] = content;
            }
        }

        if (count < contents.Length)
        {
            Array.Resize(ref contents, count);
        }

        // An array, not a list: a history is mapped on every call, and its messages are only read.
        return new Meai.ChatMessage(new Meai.ChatRole(message.Role.Label), contents) { AuthorName = message.AuthorName };
    }

    /// <summary>
    /// One item as MEAI content, or null for an item that is not conversation (a citation annotating the text beside it).
    /// Whatever has no form on Flock's wire (audio, files, other binary data, provider file references) is refused here, before
    /// anything is sent, in the words the core refuses MEAI's.
    /// </summary>
    private static Meai.AIContent? ToContent(KernelContent item) => item switch
    {
        TextContent text => new Meai.TextContent(text.Text),
        ReasoningContent reasoning => new Meai.TextReasoningContent(reasoning.Text),
        ImageContent image => ToImage(image, image.MimeType ?? "image/*"),
        BinaryContent binary when binary.MimeType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) is true => ToImage(binary, binary.MimeType),
        BinaryContent binary => throw Unsupported(binary.MimeType ?? "binary data of no media type", binary.GetType().Name),
        FileReferenceContent file => throw Unsupported($"a file reference ('{file.FileId}', a file stored by another provider)", nameof(FileReferenceContent)),
        FunctionCallContent call => new Meai.FunctionCallContent(
            call.Id ?? "", KernelFunctionNames.Qualify(call.PluginName, call.FunctionName), call.Arguments),
        FunctionResultContent result => new Meai.FunctionResultContent(result.CallId ?? "", result.Result),
        Microsoft.SemanticKernel.Agents.AnnotationContent => null,
        _ => throw Unsupported(item.GetType().Name, item.GetType().Name),
    };

    /// <summary>The refusal of content Flock's chat API has no form for, naming what it is (its media type or kind), before anything is sent.</summary>
    private static NotSupportedException Unsupported(string what, string contentType) => new(
        $"A message holds {what} content ({contentType}); Flock's chat API takes text and images only, so nothing was sent. " +
        "Send the content as text, or as an image (image/*).");

    /// <summary>An image by its link or its bytes, with its detail level (SK's OpenAI connector's <c>ChatImageDetailLevel</c> metadata).</summary>
    private static Meai.AIContent ToImage(BinaryContent image, string mediaType)
    {
        Meai.AIContent content = image.Uri is { } uri ? new Meai.UriContent(uri, mediaType)
            : image.CanRead ? new Meai.DataContent(image.DataUri!)
            : throw Unsupported($"{mediaType} with neither data nor a link", image.GetType().Name);
        if (DetailLevel(image) is { } detail)
        {
            content.AdditionalProperties = new() { ["detail"] = detail };
        }

        return content;
    }

    /// <summary>The key SK's OpenAI connector reads an image's detail level from.</summary>
    internal const string DetailLevelKey = "ChatImageDetailLevel";

    /// <summary>
    /// <c>low</c>, <c>high</c> or <c>auto</c> from the image's metadata: text in any case, or a value that names itself (OpenAI's
    /// <c>ChatImageDetailLevel</c>); anything else is an <see cref="ArgumentException"/> naming the key and the levels.
    /// </summary>
    private static string? DetailLevel(KernelContent image)
    {
        if (image.Metadata?.TryGetValue(DetailLevelKey, out var value) is not true || value is null)
        {
            return null;
        }

        var text = value switch
        {
            string s => s,
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } e => e.GetString(),
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Null } => null,
            _ => value.ToString(),
        };

        return text?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "low" => "low",
            "high" => "high",
            "auto" => "auto",
            _ => throw new ArgumentException($"{DetailLevelKey} must be low, high or auto; got '{text}'.", DetailLevelKey),
        };
    }
}
