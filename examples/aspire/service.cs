// The service of the Aspire example (apphost.cs runs it): a web app that answers through Flock, configured only by the
// connection string its AppHost passes with WithReference(chat): ConnectionStrings__chat=Endpoint=…;Key=…;Model=….
// On its own: ConnectionStrings__chat="Endpoint=http://127.0.0.1:8787/v1;Key=sk-flock-emulator;Model=qwen3-30b-a3b-instruct-2507" dotnet run service.cs
// (with `flock-emulator --port 8787` running), then open http://localhost:5000/ask?q=Hello
#:sdk Microsoft.NET.Sdk.Web
#:project ../../src/Flock.Aspire/Flock.Aspire.csproj
#:property PublishAot=false

using Microsoft.Extensions.AI;

var builder = WebApplication.CreateBuilder(args);
builder.AddFlockChatClient("chat");   // the connection string, a health check, tracing and metrics

var app = builder.Build();

// Where the answers come from (never the key).
app.MapGet("/", (IChatClient chat) =>
    chat.GetService<ChatClientMetadata>() is { } flock ? $"Flock at {flock.ProviderUri} with model {flock.DefaultModelId}" : "Flock");

app.MapGet("/ask", async (IChatClient chat, string q, CancellationToken cancellationToken) =>
    (await chat.GetResponseAsync(q, cancellationToken: cancellationToken)).Text);

app.MapHealthChecks("/health");
app.Run();
