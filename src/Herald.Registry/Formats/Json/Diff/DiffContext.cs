using System.Runtime.CompilerServices;

namespace Herald.Registry.Formats.Json.Diff;

/// <summary>A difference with a path relative to the pair being compared.</summary>
internal readonly record struct RawDifference(DifferenceKind Kind, string Path);

/// <summary>Two schema nodes compared by identity: structurally equal nodes from different places stay distinct.</summary>
internal readonly struct SchemaPair(SchemaNode original, SchemaNode update) : IEquatable<SchemaPair>
{
    public SchemaNode Original { get; } = original;

    public SchemaNode Update { get; } = update;

    public bool Equals(SchemaPair other) => ReferenceEquals(Original, other.Original) && ReferenceEquals(Update, other.Update);

    public override bool Equals(object? obj) => obj is SchemaPair other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(Original), RuntimeHelpers.GetHashCode(Update));
}

/// <summary>State shared by every context of one fixpoint pass: memo, cycle detection, budgets.</summary>
internal sealed class DiffSession(
    IReadOnlySet<DifferenceKind> compatible,
    IReadOnlyDictionary<SchemaPair, List<RawDifference>> incompatibleSeed,
    DiffBudget budget)
{
    public IReadOnlySet<DifferenceKind> Compatible { get; } = compatible;

    public Dictionary<SchemaPair, List<RawDifference>> Memo { get; } = [];

    public HashSet<SchemaPair> InProgress { get; } = [];

    public IReadOnlyDictionary<SchemaPair, List<RawDifference>> IncompatibleSeed { get; } = incompatibleSeed;

    public bool UsedOptimisticTruncation { get; set; }

    public DiffBudget Budget { get; } = budget;

    public Dictionary<SchemaPair, List<RawDifference>> CollectIncompatiblePairs() =>
        Memo.Where(entry => entry.Value.Exists(d => !Compatible.Contains(d.Kind)))
            .ToDictionary(entry => entry.Key, entry => entry.Value);
}

/// <summary>Caps the work of one Diff call across all fixpoint passes.</summary>
internal sealed class DiffBudget(int maxSteps, int maxDepth, CancellationToken cancellationToken)
{
    private int _steps;

    public int Depth { get; set; }

    public void Step()
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (++_steps > maxSteps)
        {
            throw new SchemaTooComplexException(
                $"Comparing these JSON schemas needs more than {maxSteps} steps (nested oneOf/anyOf/$ref combinations); simplify the schemas or set compatibility to NONE for this subject.");
        }

        // Thread-pool threads have small stacks; refuse before the runtime would crash the process.
        if (Depth > maxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new SchemaTooComplexException($"Comparing these JSON schemas nests deeper than {maxDepth} levels.");
        }
    }
}

/// <summary>Confluent's diff <c>Context</c>: the current path and the differences found under it.</summary>
internal sealed class DiffContext
{
    private readonly List<string> _path = [];

    public DiffContext(DiffSession session) => Session = session;

    public DiffSession Session { get; }

    public List<RawDifference> Differences { get; } = [];

    public bool IsCompatible => Differences.TrueForAll(d => Session.Compatible.Contains(d.Kind));

    public DiffContext Subcontext()
    {
        var context = new DiffContext(Session);
        context._path.AddRange(_path);
        return context;
    }

    public PathScope Enter(string segment)
    {
        _path.Add(segment);
        return new PathScope(_path);
    }

    public PathScope EnterProperty(string name) => Enter(name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));

    public void Add(DifferenceKind kind) => Differences.Add(new RawDifference(kind, CurrentPath()));

    public void Add(string attribute, DifferenceKind kind)
    {
        using (Enter(attribute))
        {
            Add(kind);
        }
    }

    public void AddRange(List<RawDifference> differences) => Differences.AddRange(differences);

    /// <summary>Adds differences computed relative to a nested pair, prefixed with the current path.</summary>
    public void AddRebased(List<RawDifference> relative)
    {
        if (_path.Count == 0)
        {
            Differences.AddRange(relative);
            return;
        }

        var prefix = CurrentPath();
        foreach (var difference in relative)
        {
            var path = difference.Path.Length <= 2 ? prefix : prefix + "/" + difference.Path[2..];
            Differences.Add(difference with { Path = path });
        }
    }

    /// <summary>Compares a pair once per pass; a pair met again while still on the stack is a cycle.</summary>
    public List<RawDifference> CompareMemoized(SchemaNode original, SchemaNode update, Action<DiffContext> compare)
    {
        var key = new SchemaPair(original, update);
        if (Session.Memo.TryGetValue(key, out var cached))
        {
            return cached;
        }

        if (!Session.InProgress.Add(key))
        {
            if (Session.IncompatibleSeed.TryGetValue(key, out var seeded))
            {
                return seeded;
            }

            // Assume the cycle compatible (greatest fixed point); the caller iterates passes until this holds.
            Session.UsedOptimisticTruncation = true;
            return [];
        }

        try
        {
            var context = new DiffContext(Session);
            compare(context);
            Session.Memo[key] = context.Differences;
            return context.Differences;
        }
        finally
        {
            Session.InProgress.Remove(key);
        }
    }

    private string CurrentPath() => "#/" + string.Join("/", _path);

    /// <summary>Leaves a path segment on dispose.</summary>
    public readonly struct PathScope(List<string> path) : IDisposable
    {
        public void Dispose() => path.RemoveAt(path.Count - 1);
    }
}
