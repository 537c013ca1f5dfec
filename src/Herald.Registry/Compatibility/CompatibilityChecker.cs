using Herald.Registry.Formats;

namespace Herald.Registry.Compatibility;

/// <summary>Applies a compatibility level to a candidate schema and the versions before it, as Confluent does.</summary>
/// <remarks>
/// BACKWARD compares the candidate with the latest version (transitive: with every version, newest first)
/// using <c>Diff(previous, candidate)</c>; FORWARD swaps the roles; FULL does both. Each check has a time
/// budget so pathological schemas cannot stall the registry.
/// </remarks>
public sealed class CompatibilityChecker
{
    private readonly SchemaFormats _formats;
    private readonly TimeSpan _budget;

    public CompatibilityChecker(SchemaFormats formats, TimeSpan? budget = null)
    {
        _formats = formats;
        _budget = budget ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>Checks <paramref name="candidate"/> against <paramref name="previous"/> (oldest first, deleted versions excluded).</summary>
    public CompatibilityResult Check(
        ParsedSchema candidate,
        IReadOnlyList<(int Version, ParsedSchema Schema)> previous,
        CompatibilityLevel level,
        CompatibilityPolicy policy = CompatibilityPolicy.Strict,
        CancellationToken cancellationToken = default)
    {
        if (level == CompatibilityLevel.None || previous.Count == 0)
        {
            return CompatibilityResult.Compatible;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_budget);
        var against = level.IsTransitive() ? previous.Reverse() : [previous[^1]];
        var violations = new List<CompatibilityViolation>();
        foreach (var (version, schema) in against)
        {
            if (schema.Type != candidate.Type)
            {
                violations.Add(new CompatibilityViolation(version, "backward", "#", "SCHEMA_TYPE_CHANGED",
                    $"the schema type changed from {SchemaFormats.ToWireName(schema.Type)} to {SchemaFormats.ToWireName(candidate.Type)}"));
                continue;
            }

            var format = _formats.Get(candidate.Type);
            try
            {
                if (level.ChecksBackward())
                {
                    Collect(format.Diff(schema, candidate, policy, timeout.Token), version, "backward", violations);
                }

                if (level.ChecksForward())
                {
                    Collect(format.Diff(candidate, schema, policy, timeout.Token), version, "forward", violations);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                violations.Add(new CompatibilityViolation(version, "backward", "#", "CHECK_TIMED_OUT",
                    $"the compatibility check did not finish within {_budget.TotalSeconds:0} s; simplify deeply nested $ref/oneOf structures"));
                break;
            }
            catch (Exception ex) when (ex is Formats.Json.SchemaTooComplexException or System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                // A refusal, not a crash: the schema is too complex to compare within the registry's budget.
                violations.Add(new CompatibilityViolation(version, "backward", "#", "CHECK_TOO_COMPLEX", ex.Message));
                break;
            }
        }

        return violations.Count == 0 ? CompatibilityResult.Compatible : new CompatibilityResult(violations);
    }

    private static void Collect(IReadOnlyList<SchemaDifference> differences, int version, string direction, List<CompatibilityViolation> into)
    {
        foreach (var difference in differences)
        {
            if (!difference.IsCompatible)
            {
                into.Add(new CompatibilityViolation(version, direction, difference.Path, difference.Kind, difference.Message));
            }
        }
    }
}
