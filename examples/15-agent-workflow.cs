// 15 · Agent workflow: two Microsoft Agent Framework agents on FlockChatClient, where a triage agent hands the
// conversation off to a specialist (a handoff workflow from Microsoft.Agents.AI.Workflows).
// Run: dotnet run examples/15-agent-workflow.cs   (offline on the built-in emulator unless FLOCK_API_KEY is set)
#:project ../src/Flock.Extensions.AI/Flock.Extensions.AI.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:package Microsoft.Agents.AI.Workflows
#:property PublishAot=false

using Flock.Extensions.AI;
using Flock.Emulator;
using Microsoft.Agents.AI;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.AI;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);
IChatClient chatClient = new FlockChatClient(flock.ModelId, flock.ApiKey, flock.Endpoint);

// Step 1: the specialist answers; the triage agent only decides who should. Requiring a tool call (ToolMode RequireAny)
// means triage must call one of the handoff functions the workflow gives it (named handoff_to_1, handoff_to_2, …).
ChatClientAgent packingExpert = new(chatClient, new ChatClientAgentOptions
{
    Name = "packing_expert",
    Description = "Answers questions about what to pack for a trip.",
    ChatOptions = new() { Instructions = "You advise travellers on what to pack. Answer in two sentences." },
});
ChatClientAgent triage = new(chatClient, new ChatClientAgentOptions
{
    Name = "triage",
    Description = "Routes each question to the right specialist.",
    ChatOptions = new() { Instructions = "You never answer yourself: hand every question off to a specialist.", ToolMode = ChatToolMode.RequireAny },
});

// Step 2: the workflow starts at triage, which may hand off to the packing expert.
var workflow = AgentWorkflowBuilder.CreateHandoffBuilderWith(triage)
    .WithHandoffs(triage, [packingExpert])
    .Build();

// Step 3: run it in process and watch the events: which agent speaks, the handoff call, the streamed answer.
List<ChatMessage> messages = [new(ChatRole.User, "I fly to Reykjavik in March. What should I pack?")];
await using var run = await InProcessExecution.RunStreamingAsync(workflow, messages);
await run.TrySendMessageAsync(new TurnToken(emitEvents: true));
string? speaking = null;
await foreach (var evt in run.WatchStreamAsync())
{
    switch (evt)
    {
        case AgentResponseUpdateEvent update:
            var agent = update.Update.AuthorName ?? update.ExecutorId;
            if (agent != speaking)
            {
                Console.Write(speaking is null ? $"[{agent}] " : $"{Environment.NewLine}[{agent}] ");
                speaking = agent;
            }

            foreach (var call in update.Update.Contents.OfType<FunctionCallContent>())
            {
                Console.Write($"calls {call.Name}");
            }

            Console.Write(update.Update.Text);
            break;
        case WorkflowOutputEvent output:
            var conversation = output.As<List<ChatMessage>>() ?? [];
            Console.WriteLine();
            Console.WriteLine($"Workflow done: {conversation.Count} messages; the last from {conversation.LastOrDefault()?.AuthorName ?? "?"}.");
            break;
        case WorkflowErrorEvent error:
            Console.WriteLine();
            Console.WriteLine($"Workflow failed: {error.Exception?.Message}");
            break;
    }
}
