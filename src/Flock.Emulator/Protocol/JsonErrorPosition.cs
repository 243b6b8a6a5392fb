using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Flock.Emulator.Protocol;

/// <summary>
/// Says where a body stopped being JSON in the words of Python's <c>json</c> module, which the proxy parses with
/// (<c>line 1 column 2 (char 1)</c>: line and column from 1, the character offset from 0), and never in .NET's.
/// </summary>
internal static class JsonErrorPosition
{
    public static string Describe(string body, JsonException error, int maxDepth)
    {
        var (line, column, offset) = Locate(body, error.LineNumber ?? 0, error.BytePositionInLine ?? 0);
        var what = IsTooDeep(body, maxDepth)
            ? $"The body nests deeper than {maxDepth.ToString(CultureInfo.InvariantCulture)} levels"
            : "The body is not valid JSON";
        return string.Create(CultureInfo.InvariantCulture, $"{what}: line {line} column {column} (char {offset}).");
    }

    /// <summary>Turns the parser's 0-based line and UTF-8 byte position into Python's 1-based line and column and 0-based character offset.</summary>
    private static (long Line, long Column, long Offset) Locate(string body, long lineIndex, long bytePosition)
    {
        var start = 0;
        for (var i = 0L; i < lineIndex; i++)
        {
            var next = body.IndexOf('\n', start);
            if (next < 0)
            {
                break;
            }

            start = next + 1;
        }

        var end = body.IndexOf('\n', start);
        var text = end < 0 ? body[start..] : body[start..end];
        var bytes = Encoding.UTF8.GetBytes(text);
        var column = Encoding.UTF8.GetCharCount(bytes, 0, (int)Math.Clamp(bytePosition, 0, bytes.Length));
        return (lineIndex + 1, column + 1, start + column);
    }

    /// <summary>True when the body opens more arrays and objects at once than the parser allows (outside strings).</summary>
    private static bool IsTooDeep(string body, int maxDepth)
    {
        var depth = 0;
        var inString = false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c is '{' or '[' && ++depth > maxDepth)
            {
                return true;
            }
            else if (c is '}' or ']')
            {
                depth--;
            }
        }

        return false;
    }
}
