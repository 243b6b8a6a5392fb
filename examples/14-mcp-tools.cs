// 14 · MCP tools: tools served by a Model Context Protocol server, used by a Semantic Kernel kernel and by FlockChatClient.
// Run: dotnet run examples/14-mcp-tools.cs   (offline on the built-in emulator unless FLOCK_API_KEY is set)
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:package ModelContextProtocol.Core
#:property PublishAot=false

using System.ComponentModel;
using System.IO.Pipelines;
using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Step 1: an MCP server with two tools, in this process, talking to its client over two in-memory pipes. A real server
// is usually another process (stdio) or a URL (HTTP); only the transport line changes.
var toServer = new Pipe();
var toClient = new Pipe();
var server = McpServer.Create(
    new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream(), "travel-tools"),
    new McpServerOptions
    {
        ToolCollection =
        [
            McpServerTool.Create(([Description("The city")] string city) => $"Sunny and 21°C in {city}.", new() { Name = "get_weather", Description = "Gets the current weather for a city." }),
            McpServerTool.Create(([Description("The city")] string city) => $"It is 14:05 in {city}.", new() { Name = "get_local_time", Description = "Gets the local time in a city." }),
        ],
    });
var serving = server.RunAsync();

// Step 2: the client side lists the server's tools. Each McpClientTool is an MEAI AIFunction that calls the server.
await using var mcp = await McpClient.CreateAsync(new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()));
IList<McpClientTool> tools = await mcp.ListToolsAsync();
Console.WriteLine($"MCP server offers: {string.Join(", ", tools.Select(t => t.Name))}");

// Step 3 (Microsoft.Extensions.AI): FlockChatClient with function invocation; the MCP tools go in ChatOptions.Tools.
IChatClient client = new FlockChatClient(flock.ModelId, flock.ApiKey, flock.Endpoint).AsBuilder().UseFunctionInvocation().Build();
var response = await client.GetResponseAsync("Use get_weather for Oslo, please.", new ChatOptions { Tools = [.. tools] });
Console.WriteLine($"MEAI: {response.Text}");

// Step 4 (Semantic Kernel): the same tools as a kernel plugin; FunctionChoiceBehavior.Auto() lets SK call them. SK offers a
// plugin's function as Plugin_function, so here the model sees Travel_get_weather and Travel_get_local_time, and the SK
// answer names Travel_get_local_time where the MEAI one (step 3, the MCP names as they are) names get_weather.
var builder = Kernel.CreateBuilder().AddFlockChatCompletion(flock.ModelId, flock.ApiKey, flock.Endpoint);
builder.Plugins.AddFromFunctions("Travel", tools.Select(tool => tool.AsKernelFunction()));
var kernel = builder.Build();
var history = new ChatHistory();
history.AddUserMessage("Use get_local_time for Oslo, please.");
var answer = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(
    history, new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, kernel);
Console.WriteLine($"SK:   {answer.Content}");

// Step 5: both calls went to the MCP server; closing the client ends the session and the server's loop.
await mcp.DisposeAsync();
toServer.Writer.Complete();
await serving;
Console.WriteLine("MCP session closed.");
