using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Services;

/// <summary>
/// Maps an SK chat history and kernel functions straight to the wire, with no intermediate object model. Kernel functions
/// are named <c>Plugin-function</c>, as SK's OpenAI connector names them, so SK's own <c>FunctionCallContentBuilder</c>
/// splits streamed calls back into plugin and function.
/// </summary>
internal static class SkToFlock
{
    /// <summary>Between plugin and function name on this path.</summary>
    public const char Separator = '-';

    private static readonly ConditionalWeakTable<KernelFunction, RequestTool> Tools = [];
    private static readonly KernelArguments EmptyArguments = [];

    public static List<RequestMessage> ToMessages(ChatHistory history, bool includeReasoning)
    {
        var result = new List<RequestMessage>(history.Count);
        foreach (var message in history)
        {
            var builder = new MessageBuilder();
            var hadToolResults = false;
            var items = message.Items;
            for (var i = 0; i < items.Count; i++)
            {
                switch (items[i])
                {
                    case TextContent { Text.Length: > 0 } text:
                        builder.AddText(text.Text);
                        break;
                    case ImageContent image when (image.Uri?.AbsoluteUri ?? (image.CanRead ? image.DataUri : null)) is { } url:
                        builder.AddImage(url);
                        break;
                    case FunctionCallContent call:
                        builder.AddToolCall(call.Id, KernelFunctionNames.Qualify(call.PluginName, call.FunctionName, Separator), SettingValues.ToJsonText("arguments", call.Arguments ?? EmptyArguments));
                        break;
                    case FunctionResultContent functionResult:
                        result.Add(MessageBuilder.ToolResult(functionResult.CallId, MeaiToFlock.ResultText(functionResult.Result, null)));
                        hadToolResults = true;
                        break;
                    case ReasoningContent { Text.Length: > 0 } reasoning when includeReasoning:
                        builder.AddReasoning(reasoning.Text);
                        break;
                }
            }

            if (builder.Build(message.Role.Label, message.AuthorName, hadToolResults) is { } built)
            {
                result.Add(built);
            }
        }

        return result;
    }

    /// <summary>Offers the behaviour's functions as tools, with its <c>tool_choice</c>.</summary>
    public static void ApplyTools(FunctionChoiceBehaviorConfiguration configuration, ChatRequest request)
    {
        if (configuration.Functions is not { Count: > 0 } functions)
        {
            return;
        }

        request.Tools = new List<RequestTool>(functions.Count);
        foreach (var function in functions)
        {
            // A function's schema never changes: build its tool once. (A KernelFunction is an MEAI AIFunction.)
            request.Tools.Add(Tools.GetValue(function, static f => MeaiToFlock.ToTool(f, KernelFunctionNames.Qualify(f.PluginName, f.Name, Separator))));
        }

        request.ToolChoice = configuration.Choice == FunctionChoice.None ? ToolChoiceNone
            : configuration.Choice == FunctionChoice.Required ? ToolChoiceRequired
            : ToolChoiceAuto;
        request.ParallelToolCalls = configuration.Options?.AllowParallelCalls;
    }

    private static readonly JsonElement ToolChoiceAuto = JsonDocument.Parse("\"auto\"").RootElement.Clone();
    private static readonly JsonElement ToolChoiceNone = JsonDocument.Parse("\"none\"").RootElement.Clone();
    private static readonly JsonElement ToolChoiceRequired = JsonDocument.Parse("\"required\"").RootElement.Clone();
}
