using static Herald.Registry.Formats.Json.Diff.DifferenceKind;

namespace Herald.Registry.Formats.Json.Diff;

/// <summary>
/// Confluent's <c>SchemaDiff.compare(original, update)</c>: every difference, judged against the policy's compatible set.
/// </summary>
internal static class SchemaDiff
{
    /// <summary>Schema pairs visited per Diff call (all fixpoint passes together) before giving up.</summary>
    public const int MaxSteps = 200_000;

    /// <summary>Nested pair comparisons on the stack before giving up.</summary>
    public const int MaxDepth = 600;

    public static IReadOnlyList<SchemaDifference> Compare(SchemaNode original, SchemaNode update, CompatibilityPolicy policy, CancellationToken cancellationToken)
    {
        var compatible = CompatibilityRules.For(policy);
        var budget = new DiffBudget(MaxSteps, MaxDepth, cancellationToken);
        IReadOnlyDictionary<SchemaPair, List<RawDifference>> seed = new Dictionary<SchemaPair, List<RawDifference>>();
        while (true)
        {
            // Memoizing across branches assumes cycles compatible; feed back the pairs found incompatible until stable.
            var session = new DiffSession(compatible, seed, budget);
            var context = new DiffContext(session);
            Compare(context, original, update);
            var incompatible = session.CollectIncompatiblePairs();
            if (!session.UsedOptimisticTruncation || incompatible.Keys.ToHashSet().SetEquals(seed.Keys))
            {
                return context.Differences
                    .Select(d => new SchemaDifference(d.Path, d.Kind.ToString(), DifferenceMessages.For(d.Kind, d.Path), compatible.Contains(d.Kind)))
                    .ToList();
            }

            seed = incompatible;
        }
    }

    public static void Compare(DiffContext context, SchemaNode? original, SchemaNode? update)
    {
        if (original is null && update is null)
        {
            return;
        }

        if (original is null)
        {
            context.Add(SCHEMA_ADDED);
            return;
        }

        if (update is null)
        {
            context.Add(SCHEMA_REMOVED);
            return;
        }

        var budget = context.Session.Budget;
        budget.Step();
        var from = Normalize(original);
        var to = Normalize(update);
        budget.Depth++;
        try
        {
            context.AddRebased(context.CompareMemoized(from, to, sub => CompareTypes(sub, from, to)));
        }
        finally
        {
            budget.Depth--;
        }
    }

    private static void CompareTypes(DiffContext context, SchemaNode original, SchemaNode update)
    {
        if (original is not CombinedNode && update is CombinedNode combinedUpdate)
        {
            if (TryCompareWithBranch(context, combinedUpdate, branch => (original, branch), combinedUpdate.Criterion != Criterion.AllOf, SUM_TYPE_EXTENDED))
            {
                return;
            }
        }
        else if (original is CombinedNode combinedOriginal && update is not CombinedNode)
        {
            if (TryCompareWithBranch(context, combinedOriginal, branch => (branch, update), combinedOriginal.Criterion == Criterion.AllOf, PRODUCT_TYPE_NARROWED))
            {
                return;
            }
        }

        if (original.Kind != update.Kind)
        {
            // true/{} accept everything and false accepts nothing, so these changes never break a reader.
            if (original is FalseNode || update is EmptyNode)
            {
                return;
            }

            // Confluent lets the JSON converter's decimal fix (both sides connect.type bytes) pass.
            if (original.ConnectType == "bytes" && update.ConnectType == "bytes")
            {
                return;
            }

            context.Add(TYPE_CHANGED);
            return;
        }

        if (original.Id != update.Id)
        {
            context.Add(ID_CHANGED);
        }

        if (original.Title != update.Title)
        {
            context.Add(TITLE_CHANGED);
        }

        if (original.Description != update.Description)
        {
            context.Add(DESCRIPTION_CHANGED);
        }

        if (original.Default != update.Default)
        {
            context.Add(DEFAULT_CHANGED);
        }

        switch (original)
        {
            case StringNode s:
                ScalarSchemaDiff.CompareString(context, s, (StringNode)update);
                break;
            case NumberNode n:
                ScalarSchemaDiff.CompareNumber(context, n, (NumberNode)update);
                break;
            case ConstNode c:
                if (c.Value != ((ConstNode)update).Value)
                {
                    context.Add("const", ENUM_ARRAY_CHANGED);
                }

                break;
            case EnumNode e:
                ScalarSchemaDiff.CompareEnum(context, e, (EnumNode)update);
                break;
            case CombinedNode c:
                CombinedSchemaDiff.Compare(context, c, (CombinedNode)update);
                break;
            case NotNode n:
                ScalarSchemaDiff.CompareNot(context, n, (NotNode)update);
                break;
            case ObjectNode o:
                ObjectSchemaDiff.Compare(context, o, (ObjectNode)update);
                break;
            case ArrayNode a:
                ArraySchemaDiff.Compare(context, a, (ArrayNode)update);
                break;
        }
    }

    /// <summary>
    /// A plain schema against a combined one: a singleton combination is its only branch, a plain schema that one
    /// branch of a sum type accepts is a sum extension, and one branch of a product type narrowing to a plain schema
    /// is a product narrowing.
    /// </summary>
    private static bool TryCompareWithBranch(
        DiffContext context, CombinedNode combined, Func<SchemaNode, (SchemaNode Original, SchemaNode Update)> pair, bool criterionApplies, DifferenceKind kind)
    {
        if (combined.Subschemas.Count == 1)
        {
            var sub = context.Subcontext();
            var (original, update) = pair(combined.Subschemas[0]);
            Compare(sub, original, update);
            if (sub.IsCompatible)
            {
                context.AddRange(sub.Differences);
                return true;
            }

            return false;
        }

        if (!criterionApplies)
        {
            return false;
        }

        foreach (var branch in combined.Subschemas)
        {
            var sub = context.Subcontext();
            var (original, update) = pair(branch);
            Compare(sub, original, update);
            if (sub.IsCompatible)
            {
                context.AddRange(sub.Differences);
                context.Add(kind);
                return true;
            }
        }

        return false;
    }

    private static SchemaNode Normalize(SchemaNode node)
    {
        // The loader rejects pure reference cycles, so this chain ends.
        while (node is ReferenceNode reference)
        {
            node = reference.Target ?? throw new InvalidOperationException($"Unresolved $ref '{reference.Reference}'.");
        }

        return node;
    }
}
