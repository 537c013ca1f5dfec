using System.Text.RegularExpressions;
using Herald.Registry;
using Herald.Registry.Compatibility;
using Herald.Registry.Formats;
using Herald.Registry.Formats.Json;

namespace Herald.WebConsole.Schemas;

/// <summary>The verdict of one compatibility level on the newer of two versions.</summary>
/// <param name="Level">The level.</param>
/// <param name="ComparedWith">The earlier versions the level compares the newer one with (newest last).</param>
/// <param name="Result">The registry's checker's verdict, with every violation.</param>
public sealed record LevelVerdict(CompatibilityLevel Level, IReadOnlyList<int> ComparedWith, CompatibilityResult Result);

/// <summary>Two versions of a subject side by side: their lines, their field-level changes and every level's verdict.</summary>
/// <param name="Old">The older version.</param>
/// <param name="New">The newer version.</param>
/// <param name="Lines">The line diff of their formatted text.</param>
/// <param name="Changes">Field-level changes from the format's own diff; null when they could not be computed.</param>
/// <param name="ChangesProblem">Why <paramref name="Changes"/> is null.</param>
/// <param name="Verdicts">One verdict per level, in <see cref="Levels"/> order; empty when they could not be computed.</param>
/// <param name="VerdictsProblem">Why <paramref name="Verdicts"/> is empty.</param>
public sealed record SchemaComparison(
    RegisteredSchema Old,
    RegisteredSchema New,
    LineDiff Lines,
    IReadOnlyList<FieldChange>? Changes,
    string? ChangesProblem,
    IReadOnlyList<LevelVerdict> Verdicts,
    string? VerdictsProblem)
{
    /// <summary>The levels judged, in the order the page lists them.</summary>
    public static readonly IReadOnlyList<CompatibilityLevel> Levels =
    [
        CompatibilityLevel.Backward, CompatibilityLevel.BackwardTransitive,
        CompatibilityLevel.Forward, CompatibilityLevel.ForwardTransitive,
        CompatibilityLevel.Full, CompatibilityLevel.FullTransitive,
        CompatibilityLevel.None,
    ];

    // The registry's default check budget: the page gives up where registration would.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    /// <summary>Compares versions <paramref name="older"/> and <paramref name="newer"/> of <paramref name="history"/>.</summary>
    /// <remarks>
    /// Each level's verdict is what the registry would have answered had <paramref name="newer"/> been registered right
    /// after <paramref name="older"/>: the registry's <see cref="CompatibilityChecker"/> on the newer version against every
    /// live version up to the older one (non-transitive levels look at the older one only). For the latest two
    /// versions that is the check the registry made when the latest was registered, and what
    /// <c>herald schema check</c> answers for the same files.
    /// </remarks>
    internal static SchemaComparison Compare(SchemaRegistry registry, SubjectHistory history, RegisteredSchema older, RegisteredSchema newer, CancellationToken cancellationToken)
    {
        var lines = LineDiff.Compare(SchemaText.Format(older.Type, older.Schema), SchemaText.Format(newer.Type, newer.Schema));
        var earlier = history.Versions.Where(v => v.Version <= older.Version).ToList();
        Dictionary<int, ParsedSchema> parsed;
        try
        {
            parsed = earlier.Append(newer).ToDictionary(v => v.Version, v => ReferenceResolver.Parse(registry, v));
        }
        catch (Exception e) when (e is InvalidSchemaException or RegistryException)
        {
            var problem = $"the registry's formats cannot parse these versions now: {e.Message}";
            return new SchemaComparison(older, newer, lines, null, problem, [], problem);
        }

        var formats = MemoizedFormats.Of(registry.Formats);
        var (changes, changesProblem) = older.Type == newer.Type
            ? DiffFields(formats.Get(newer.Type), parsed[older.Version], parsed[newer.Version], history.Policy, cancellationToken)
            : (null, $"the format changed from {SchemaFormats.ToWireName(older.Type)} to {SchemaFormats.ToWireName(newer.Type)}, so only the lines can be compared");

        var checker = new CompatibilityChecker(formats, Budget);
        var previous = earlier.Select(v => (v.Version, parsed[v.Version])).ToList();
        var verdicts = Levels
            .Select(level => new LevelVerdict(
                level,
                level == CompatibilityLevel.None ? [] : level.IsTransitive() ? [.. earlier.Select(v => v.Version)] : [older.Version],
                checker.Check(parsed[newer.Version], previous, level, history.Policy, cancellationToken)))
            .ToList();
        return new SchemaComparison(older, newer, lines, changes, changesProblem, verdicts, null);
    }

    /// <summary>
    /// Pairs the backward differences (<c>Diff(older, newer)</c>) with the forward ones (<c>Diff(newer, older)</c>) by
    /// path, as <c>herald schema diff</c> does.
    /// </summary>
    private static (IReadOnlyList<FieldChange>? Changes, string? Problem) DiffFields(
        ISchemaFormat format, ParsedSchema older, ParsedSchema newer, CompatibilityPolicy policy, CancellationToken cancellationToken)
    {
        IReadOnlyList<SchemaDifference> backward, forward;
        using (var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            budget.CancelAfter(Budget);
            try
            {
                backward = format.Diff(older, newer, policy, budget.Token);
                forward = format.Diff(newer, older, policy, budget.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (null, $"the diff did not finish within {Budget.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is SchemaTooComplexException or RegexMatchTimeoutException)
            {
                return (null, $"the schemas are too complex to diff: {e.Message}");
            }
        }

        var changes = new List<FieldChange>();
        foreach (var path in backward.Select(d => d.Path).Concat(forward.Select(d => d.Path)).Distinct(StringComparer.Ordinal))
        {
            var back = backward.Where(d => d.Path == path).ToList();
            var forth = forward.Where(d => d.Path == path).ToList();

            // The backward diff describes the change as made (older to newer); the forward one, read the other way round, only when it is all there is.
            var described = back.Count > 0 ? back : forth;
            var kinds = described.Select(d => FieldChange.Classify(d.Kind)).ToList();
            var kind = kinds.Contains(FieldChangeKind.Added) ? FieldChangeKind.Added
                : kinds.Contains(FieldChangeKind.Removed) ? FieldChangeKind.Removed
                : FieldChangeKind.Changed;
            if (back.Count == 0)
            {
                kind = kind switch { FieldChangeKind.Added => FieldChangeKind.Removed, FieldChangeKind.Removed => FieldChangeKind.Added, _ => kind };
            }

            changes.Add(new FieldChange(
                path,
                kind,
                string.Join(", ", described.Select(d => d.Kind).Distinct(StringComparer.Ordinal)),
                string.Join("; ", described.Select(d => d.Message).Distinct(StringComparer.Ordinal)),
                back.All(d => d.IsCompatible),
                forth.All(d => d.IsCompatible)));
        }

        return (changes, null);
    }
}
