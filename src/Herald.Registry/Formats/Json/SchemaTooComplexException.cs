namespace Herald.Registry.Formats.Json;

/// <summary>A JSON Schema comparison gave up because it needed more work than the budget allows.</summary>
/// <remarks>
/// Thrown by <see cref="JsonSchemaFormat.Diff"/> when nested <c>oneOf</c>/<c>anyOf</c>/<c>$ref</c> combinations would
/// make the diff explode; a checker should report the schemas as not comparable rather than retry.
/// </remarks>
public sealed class SchemaTooComplexException : Exception
{
    public SchemaTooComplexException(string message)
        : base(message)
    {
    }
}
