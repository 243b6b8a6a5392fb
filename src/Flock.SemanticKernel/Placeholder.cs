namespace Flock.SemanticKernel;
internal static class Placeholder { }
