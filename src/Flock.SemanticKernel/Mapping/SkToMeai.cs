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
    /// The options for one call: parameters from the core's table (typed members where MEAI has them, exact values under their
    /// JSON names otherwise), the model, and the behaviour's functions as tools. With auto-invocation they are SK's own
    /// options subclass carrying the kernel, which SK's function invocation needs to run the kernel's filters.
    /// </summary>
    public static Meai.ChatOptions ToChatOptions(
        PromptExecutionSettings settings, ChatParameterValues values, FunctionChoiceBehaviorConfiguration? functions, Kernel? kernel, bool autoInvoke)
    {
        var options = autoInvoke ? KernelOptions(settings, kernel!) : new Meai.ChatOptions { ModelId = settings.ModelId };
        values.WriteTo(options);
        if (functions?.Functions is { Count: > 0 } offered)
        {
            var tools = new List<Meai.AITool>(offered.Count);
            foreach (var function in offered)
            {
                // A kernel function is an MEAI AIFunction named Plugin_function: the one name it has on the wire.
                tools.Add(function);
            }

            options.Tools = tools;
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

    public static List<Meai.ChatMessage> ToMessages(ChatHistory history)
    {
        var messages = new List<Meai.ChatMessage>(history.Count);
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

    private static Meai.AIContent? ToContent(KernelContent item) => item switch
    {
        TextContent text => new Meai.TextContent(text.Text),
        ReasoningContent reasoning => new Meai.TextReasoningContent(reasoning.Text),
        ImageContent { Uri: { } uri } image => new Meai.UriContent(uri, image.MimeType ?? "image/*"),
        ImageContent { CanRead: true } image => new Meai.DataContent(image.DataUri!),
        FunctionCallContent call => new Meai.FunctionCallContent(
            call.Id ?? "", KernelFunctionNames.Qualify(call.PluginName, call.FunctionName), call.Arguments),
        FunctionResultContent result => new Meai.FunctionResultContent(result.CallId ?? "", result.Result),
        _ => null,
    };
}
