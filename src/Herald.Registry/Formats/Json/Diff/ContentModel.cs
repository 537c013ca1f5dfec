namespace Herald.Registry.Formats.Json.Diff;

/// <summary>The <c>unevaluatedProperties</c>/<c>unevaluatedItems</c> comparison both container diffs share.</summary>
internal static class ContentModel
{
    public static void CompareUnevaluated(
        DiffContext context, string keyword, SchemaNode? original, SchemaNode? update,
        DifferenceKind added, DifferenceKind removed, DifferenceKind extended, DifferenceKind narrowed)
    {
        if (original is null && update is null)
        {
            return;
        }

        using var scope = context.Enter(keyword);
        if (original is null)
        {
            context.Add(update is FalseNode ? removed : narrowed);
        }
        else if (update is null)
        {
            context.Add(original is FalseNode ? added : extended);
        }
        else if (original is FalseNode && update is not FalseNode)
        {
            context.Add(added);
        }
        else if (original is not FalseNode && update is FalseNode)
        {
            context.Add(removed);
        }
        else if (original is EmptyNode && update is not EmptyNode)
        {
            context.Add(narrowed);
        }
        else if (original is not EmptyNode && update is EmptyNode)
        {
            context.Add(extended);
        }
        else
        {
            SchemaDiff.Compare(context, original, update);
        }
    }
}
