using BenchmarkDotNet.Attributes;

namespace Flock.Benchmarks;

/// <summary>
/// Reading an answer's headers into <see cref="FlockResponseInfo"/>, per answer: a LiteLLM proxy's realistic set
/// (<see cref="CannedBodies.ProxyHeaders"/>), and as many headers the proxy does not send (what an answer from a server other
/// than the proxy costs: one walk over them).
/// </summary>
[MemoryDiagnoser]
public class ResponseHeaderBenchmarks
{
    private readonly HttpResponseMessage _proxy = new(System.Net.HttpStatusCode.OK);
    private readonly HttpResponseMessage _other = new(System.Net.HttpStatusCode.OK);

    [GlobalSetup]
    public void Setup()
    {
        foreach (var (name, value) in CannedBodies.ProxyHeaders)
        {
            _proxy.Headers.TryAddWithoutValidation(name, value);
        }

        foreach (var (name, value) in CannedBodies.OtherHeaders)
        {
            _other.Headers.TryAddWithoutValidation(name, value);
        }
    }

    [Benchmark]
    public FlockResponseInfo? Read_ProxyHeaders() => ResponseHeaders.Read(_proxy, TimeProvider.System);

    [Benchmark]
    public FlockResponseInfo? Read_OtherHeaders() => ResponseHeaders.Read(_other, TimeProvider.System);
}
