using System.Reflection;
using System.Runtime.CompilerServices;

namespace Flock.Tests.Support;

/// <summary>The shape of an assembly's public types, for the tests that hold each package to its 1.0 contract.</summary>
public static class PublicApiShape
{
    /// <summary>
    /// The public types that are positional records (classes or structs): those with the <c>Deconstruct</c> the compiler
    /// writes for a primary constructor. Such a type cannot gain a member without changing that constructor and
    /// <c>Deconstruct</c>, which breaks every caller compiled against the old ones.
    /// </summary>
    public static IReadOnlyList<string> PositionalRecords(Assembly assembly) =>
        assembly.GetExportedTypes().Where(IsPositionalRecord).Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether <paramref name="type"/> has a compiler-generated public <c>Deconstruct</c>, as a positional record has.</summary>
    public static bool IsPositionalRecord(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Any(m => m.Name == "Deconstruct" && m.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false));
}
