using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Flock.Extensions.AI;
using Flock.SemanticKernel;
using static OtherPackages;

/// <summary>
/// The ReadyToRun images the hot path's packages carry (eng/ReadyToRun.targets): a portable app's output holds each
/// platform's image under runtimes/&lt;rid&gt;/lib/net10.0/ beside lib/'s IL. Every image must be compiled for its own
/// platform, embed its PDB and hold the same types and methods as the IL; on a platform that has one, the process must
/// have loaded it.
/// </summary>
internal static partial class ReadyToRunImages
{
    // A ReadyToRun image's PE machine is the architecture's, XOR a value naming the operating system (0 for Windows).
    private static readonly Dictionary<string, ushort> Architectures = new() { ["x64"] = 0x8664, ["arm64"] = 0xAA64 };
    private static readonly Dictionary<string, ushort> OperatingSystems = new() { ["win"] = 0, ["linux"] = 0x7B79, ["osx"] = 0x4644 };

    public static string Check()
    {
        var platforms = new List<string>();
        foreach (var assembly in new[] { typeof(FlockChatClient).Assembly, typeof(FlockChatCompletionService).Assembly })
        {
            var name = assembly.GetName().Name + ".dll";
            var il = Path.Combine(AppContext.BaseDirectory, name);
            Require(File.Exists(il) && !IsReadyToRun(il, out _), $"{name}: lib/'s IL assembly is missing or not IL");
            var images = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "runtimes"), name, SearchOption.AllDirectories);
            Require(images.Length > 0, $"{name}: the package carries no ReadyToRun image");
            var shape = Shape(il);
            foreach (var image in images)
            {
                var rid = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(image))))!;
                var parts = rid.Split('-');
                var os = parts.Length == 2 ? OperatingSystems.GetValueOrDefault(parts[0], ushort.MaxValue) : ushort.MaxValue;
                var arch = parts.Length == 2 ? Architectures.GetValueOrDefault(parts[1], ushort.MaxValue) : ushort.MaxValue;
                Require(os != ushort.MaxValue && arch != ushort.MaxValue, $"{name}: unexpected platform {rid}");
                Require(IsReadyToRun(image, out var machine), $"{name} for {rid} is not a ReadyToRun image");
                Require(machine == (ushort)(arch ^ os), $"{name} for {rid} is compiled for machine 0x{machine:X4}, not 0x{arch ^ os:X4}");
                Require(HasEmbeddedPdb(image), $"{name} for {rid} embeds no PDB");
                Require(Shape(image) == shape, $"{name} for {rid} does not hold the same types and methods as lib/'s IL");
                platforms.Add(rid);
            }

            // The host picks the image of the machine's platform when there is one.
            var own = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "lib", "net10.0", name);
            if (File.Exists(own))
            {
                Require(Path.GetFullPath(assembly.Location) == Path.GetFullPath(own), $"{name}: loaded {assembly.Location}, not {own}");
            }
        }

        var loaded = Directory.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier))
            ? $"{RuntimeInformation.RuntimeIdentifier}'s loaded"
            : $"the IL loaded (no image for {RuntimeInformation.RuntimeIdentifier})";
        return $"ReadyToRun images for {string.Join(", ", platforms.Distinct().Order(StringComparer.Ordinal))}, {loaded}";
    }

    private static bool IsReadyToRun(string path, out ushort machine)
    {
        using var pe = new PEReader(File.OpenRead(path));
        machine = (ushort)pe.PEHeaders.CoffHeader.Machine;
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    private static bool HasEmbeddedPdb(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return pe.ReadDebugDirectory().Any(entry => entry.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
    }

    [GeneratedRegex(">F[0-9A-F]{64}__")]
    private static partial Regex FileLocalHash();

    /// <summary>Every type with its methods' names and IL sizes: the same source compiled twice gives the same shape.</summary>
    private static string Shape(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var reader = pe.GetMetadataReader();
        var lines = new List<string>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            var methods = type.GetMethods().Select(m =>
            {
                var method = reader.GetMethodDefinition(m);
                var size = method.RelativeVirtualAddress == 0 ? 0 : pe.GetMethodBody(method.RelativeVirtualAddress).Size;
                return $"{reader.GetString(method.Name)}:{size}";
            });
            // A file-local type's name carries a hash of its generated file's path, which differs between the two builds.
            var typeName = FileLocalHash().Replace(reader.GetString(type.Name), ">F__");
            lines.Add($"{reader.GetString(type.Namespace)}.{typeName}({string.Join(',', methods)})");
        }

        return string.Join('\n', lines);
    }
}
