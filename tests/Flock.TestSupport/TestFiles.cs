namespace Flock.Tests.Support;

/// <summary>Reads the files of <c>TestData/</c>, copied next to the test assembly.</summary>
public static class TestFiles
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));
}
