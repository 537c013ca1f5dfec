using System.Globalization;
using static Herald.Registry.Formats.Json.Diff.DifferenceKind;

namespace Herald.Registry.Formats.Json.Diff;

/// <summary>Confluent's <c>ArraySchemaDiff</c>: item schemas, tuple positions judged by the content model, and limits.</summary>
internal static class ArraySchemaDiff
{
    public static void Compare(DiffContext context, ArrayNode original, ArrayNode update)
    {
        using (context.Enter("items"))
        {
            SchemaDiff.Compare(context, original.AllItems, update.AllItems);
        }

        CompareTuple(context, original, update);
        CompareAdditionalItems(context, original, update);
        ContentModel.CompareUnevaluated(
            context, "unevaluatedItems", original.UnevaluatedItems, update.UnevaluatedItems,
            UNEVALUATED_ITEMS_ADDED, UNEVALUATED_ITEMS_REMOVED, UNEVALUATED_ITEMS_EXTENDED, UNEVALUATED_ITEMS_NARROWED);
        ScalarSchemaDiff.CompareLimit(context, "maxItems", original.MaxItems, update.MaxItems, MAX_ITEMS_ADDED, MAX_ITEMS_REMOVED, MAX_ITEMS_INCREASED, MAX_ITEMS_DECREASED);
        ScalarSchemaDiff.CompareLimit(context, "minItems", original.MinItems, update.MinItems, MIN_ITEMS_ADDED, MIN_ITEMS_REMOVED, MIN_ITEMS_INCREASED, MIN_ITEMS_DECREASED);
        if (original.UniqueItems != update.UniqueItems)
        {
            context.Add("uniqueItems", original.UniqueItems ? UNIQUE_ITEMS_REMOVED : UNIQUE_ITEMS_ADDED);
        }

        ScalarSchemaDiff.CompareLimit(context, "maxContains", original.MaxContains, update.MaxContains, MAX_CONTAINS_ADDED, MAX_CONTAINS_REMOVED, MAX_CONTAINS_INCREASED, MAX_CONTAINS_DECREASED);
        ScalarSchemaDiff.CompareLimit(context, "minContains", original.MinContains, update.MinContains, MIN_CONTAINS_ADDED, MIN_CONTAINS_REMOVED, MIN_CONTAINS_INCREASED, MIN_CONTAINS_DECREASED);
    }

    private static bool IsOpen(ArrayNode schema) =>
        schema.PermitsAdditionalItems && schema.AdditionalItems is null && schema.UnevaluatedItems is null or EmptyNode;

    private static SchemaNode? PartialSchema(ArrayNode schema)
    {
        if (schema.AdditionalItems is not null)
        {
            return schema.AdditionalItems;
        }

        return schema.PermitsAdditionalItems && schema.UnevaluatedItems is not (null or FalseNode or EmptyNode)
            ? schema.UnevaluatedItems
            : null;
    }

    private static void CompareTuple(DiffContext context, ArrayNode original, ArrayNode update)
    {
        var from = original.ItemSchemas ?? [];
        var to = update.ItemSchemas ?? [];
        for (var index = 0; index < Math.Max(from.Count, to.Count); index++)
        {
            using var scope = context.Enter("items/" + index.ToString(CultureInfo.InvariantCulture));
            if (index < from.Count && index < to.Count)
            {
                SchemaDiff.Compare(context, from[index], to[index]);
            }
            else if (index < from.Count)
            {
                ItemRemoved(context, update, from[index]);
            }
            else
            {
                ItemAdded(context, original, to[index]);
            }
        }
    }

    private static void ItemRemoved(DiffContext context, ArrayNode update, SchemaNode removed)
    {
        if (IsOpen(update))
        {
            context.Add(ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
            return;
        }

        var partial = PartialSchema(update);
        if (partial is not null)
        {
            var sub = context.Subcontext();
            SchemaDiff.Compare(sub, removed, partial);
            context.AddRange(sub.Differences);
            context.Add(sub.IsCompatible ? ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL : ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            return;
        }

        context.Add(removed is FalseNode ? ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL : ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
    }

    private static void ItemAdded(DiffContext context, ArrayNode original, SchemaNode added)
    {
        if (IsOpen(original))
        {
            context.Add(added is EmptyNode ? ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL : ITEM_ADDED_TO_OPEN_CONTENT_MODEL);
            return;
        }

        var partial = PartialSchema(original);
        if (partial is not null)
        {
            var sub = context.Subcontext();
            SchemaDiff.Compare(sub, partial, added);
            context.AddRange(sub.Differences);
            context.Add(sub.IsCompatible ? ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL : ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            return;
        }

        context.Add(ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
    }

    private static void CompareAdditionalItems(DiffContext context, ArrayNode original, ArrayNode update)
    {
        using var scope = context.Enter("additionalItems");
        if (original.PermitsAdditionalItems != update.PermitsAdditionalItems)
        {
            context.Add(original.PermitsAdditionalItems ? ADDITIONAL_ITEMS_REMOVED : ADDITIONAL_ITEMS_ADDED);
        }
        else if (original.AdditionalItems is null && update.AdditionalItems is not null)
        {
            context.Add(ADDITIONAL_ITEMS_NARROWED);
        }
        else if (original.AdditionalItems is not null && update.AdditionalItems is null)
        {
            context.Add(ADDITIONAL_ITEMS_EXTENDED);
        }
        else
        {
            SchemaDiff.Compare(context, original.AdditionalItems, update.AdditionalItems);
        }
    }
}
