// Aspire: Flock in an AppHost. A service (service.cs) answers through Flock's model "chat"; offline, the Flock emulator
// stands in for Flock. Setting one parameter, the API key, switches to the real service:
//   dotnet run apphost.cs                                             (the emulator; no key needed)
//   dotnet user-secrets set Parameters:flock-key sk-... --file apphost.cs, then dotnet run apphost.cs   (the real Flock)
//   (or Parameters__flock-key=sk-... in the environment)
// The dashboard needs a developer certificate: dotnet dev-certs https. Then open the service's /ask?q=Hello.
#:sdk Aspire.AppHost.Sdk@13.6.4
#:package Aspire.Hosting.AppHost
#:package Polly.Core
#:package Nerdbank.MessagePack
#:project ../../src/Flock.Aspire.Hosting/Flock.Aspire.Hosting.csproj
// The project above is a library, not a resource to run (from packages: #:package Flock.Aspire.Hosting@<version>).
#:property TreatProjectReferencesAsResources=false
// ASPIRE010: this AppHost does without the Aspire CLI bundle; ASPIRECSHARPAPPS001: AddCSharpApp is experimental.
#:property NoWarn=$(NoWarn);ASPIRE010;ASPIRECSHARPAPPS001

var builder = DistributedApplication.CreateBuilder(args);

var flock = builder.AddFlock("flock");   // the key: the secret parameter flock-key
if (string.IsNullOrEmpty(builder.Configuration["Parameters:flock-key"]))
{
    // No key: the emulator, on a dynamic port. e => e.WithScript("../emulator-script.json") would play scripted replies.
    flock.RunAsEmulator();
}

var chat = flock.AddModel("chat", "qwen3-30b-a3b-instruct-2507");

builder.AddCSharpApp("service", "service.cs")
    .WithHttpEndpoint(name: "http")
    .WithHttpHealthCheck("/health")
    .WithReference(chat)
    .WaitFor(chat);

builder.Build().Run();
