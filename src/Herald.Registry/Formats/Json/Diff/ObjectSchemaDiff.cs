using static Herald.Registry.Formats.Json.Diff.DifferenceKind;

namespace Herald.Registry.Formats.Json.Diff;

/// <summary>Confluent's <c>ObjectSchemaDiff</c>: properties judged by the content model (open, closed, partially open).</summary>
internal static class ObjectSchemaDiff
{
    public static void Compare(DiffContext context, ObjectNode original, ObjectNode update)
    {
        CompareRequired(context, original, update);
        CompareProperties(context, original, update);
        CompareDependencies(context, original, update);
        CompareAdditionalProperties(context, original, update);
        ContentModel.CompareUnevaluated(
            context, "unevaluatedProperties", original.UnevaluatedProperties, update.UnevaluatedProperties,
            UNEVALUATED_PROPERTIES_ADDED, UNEVALUATED_PROPERTIES_REMOVED, UNEVALUATED_PROPERTIES_EXTENDED, UNEVALUATED_PROPERTIES_NARROWED);
        ScalarSchemaDiff.CompareLimit(context, "maxProperties", original.MaxProperties, update.MaxProperties, MAX_PROPERTIES_ADDED, MAX_PROPERTIES_REMOVED, MAX_PROPERTIES_INCREASED, MAX_PROPERTIES_DECREASED);
        ScalarSchemaDiff.CompareLimit(context, "minProperties", original.MinProperties, update.MinProperties, MIN_PROPERTIES_ADDED, MIN_PROPERTIES_REMOVED, MIN_PROPERTIES_INCREASED, MIN_PROPERTIES_DECREASED);
    }

    /// <summary>Open: any extra property of any type may already be in the data.</summary>
    public static bool IsOpen(ObjectNode schema) =>
        schema.PermitsAdditionalProperties
        && schema.AdditionalProperties is null
        && schema.PatternProperties.Count == 0
        && schema.UnevaluatedProperties is null or EmptyNode;

    /// <summary>The schema an unnamed property must match in a partially open model, or null.</summary>
    public static SchemaNode? PartialSchemaFor(ObjectNode schema, string property)
    {
        foreach (var (pattern, patternSchema) in schema.PatternProperties)
        {
            if (pattern.IsMatch(property))
            {
                return patternSchema;
            }
        }

        if (schema.AdditionalProperties is not null)
        {
            return schema.AdditionalProperties;
        }

        if (schema.PermitsAdditionalProperties && schema.UnevaluatedProperties is not (null or FalseNode or EmptyNode))
        {
            return schema.UnevaluatedProperties;
        }

        return null;
    }

    private static void CompareRequired(DiffContext context, ObjectNode original, ObjectNode update)
    {
        using var required = context.Enter("required");
        foreach (var name in original.Properties.Keys.Where(update.Properties.ContainsKey).Order(StringComparer.Ordinal))
        {
            var wasRequired = original.Required.Contains(name);
            var isRequired = update.Required.Contains(name);
            if (wasRequired == isRequired)
            {
                continue;
            }

            using var property = context.EnterProperty(name);
            context.Add(wasRequired
                ? REQUIRED_ATTRIBUTE_REMOVED
                : update.Properties[name].HasDefault ? REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED : REQUIRED_ATTRIBUTE_ADDED);
        }
    }

    private static void CompareProperties(DiffContext context, ObjectNode original, ObjectNode update)
    {
        using var properties = context.Enter("properties");
        foreach (var name in original.Properties.Keys.Union(update.Properties.Keys).Order(StringComparer.Ordinal))
        {
            using var property = context.EnterProperty(name);
            original.Properties.TryGetValue(name, out var from);
            update.Properties.TryGetValue(name, out var to);
            if (to is null)
            {
                PropertyRemoved(context, update, name, from!);
            }
            else if (from is null)
            {
                PropertyAdded(context, original, update, name, to);
            }
            else
            {
                SchemaDiff.Compare(context, from, to);
            }
        }
    }

    private static void PropertyRemoved(DiffContext context, ObjectNode update, string name, SchemaNode from)
    {
        // Only the update's content model matters: it must still accept the old property.
        if (IsOpen(update))
        {
            context.Add(PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
            return;
        }

        var partial = PartialSchemaFor(update, name);
        if (partial is not null)
        {
            var sub = context.Subcontext();
            SchemaDiff.Compare(sub, from, partial);
            context.AddRange(sub.Differences);
            context.Add(sub.IsCompatible ? PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL : PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            return;
        }

        context.Add(from is FalseNode ? PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL : PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
    }

    private static void PropertyAdded(DiffContext context, ObjectNode original, ObjectNode update, string name, SchemaNode to)
    {
        var required = update.Required.Contains(name);

        // Only the original's content model matters: old data may hold the property under any schema it allowed.
        if (IsOpen(original))
        {
            context.Add(
                to is EmptyNode ? PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                : !required ? OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
                : to.HasDefault ? REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
                : REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
            return;
        }

        var partial = PartialSchemaFor(original, name);
        if (partial is not null)
        {
            var sub = context.Subcontext();
            SchemaDiff.Compare(sub, partial, to);
            context.AddRange(sub.Differences);
            context.Add(sub.IsCompatible ? PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL : PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        }

        context.Add(
            !required ? OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
            : to.HasDefault ? REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
            : REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
    }

    private static void CompareDependencies(DiffContext context, ObjectNode original, ObjectNode update)
    {
        using var dependencies = context.Enter("dependencies");
        foreach (var name in original.PropertyDependencies.Keys.Union(update.PropertyDependencies.Keys).Order(StringComparer.Ordinal))
        {
            using var property = context.EnterProperty(name);
            original.PropertyDependencies.TryGetValue(name, out var from);
            update.PropertyDependencies.TryGetValue(name, out var to);
            if (to is null)
            {
                context.Add(DEPENDENCY_ARRAY_REMOVED);
            }
            else if (from is null)
            {
                context.Add(DEPENDENCY_ARRAY_ADDED);
            }
            else if (!from.SetEquals(to))
            {
                context.Add(to.IsSupersetOf(from) ? DEPENDENCY_ARRAY_EXTENDED : from.IsSupersetOf(to) ? DEPENDENCY_ARRAY_NARROWED : DEPENDENCY_ARRAY_CHANGED);
            }
        }

        foreach (var name in original.SchemaDependencies.Keys.Union(update.SchemaDependencies.Keys).Order(StringComparer.Ordinal))
        {
            using var property = context.EnterProperty(name);
            original.SchemaDependencies.TryGetValue(name, out var from);
            update.SchemaDependencies.TryGetValue(name, out var to);
            if (to is null)
            {
                context.Add(DEPENDENCY_SCHEMA_REMOVED);
            }
            else if (from is null)
            {
                context.Add(DEPENDENCY_SCHEMA_ADDED);
            }
            else
            {
                SchemaDiff.Compare(context, from, to);
            }
        }
    }

    private static void CompareAdditionalProperties(DiffContext context, ObjectNode original, ObjectNode update)
    {
        using var additional = context.Enter("additionalProperties");
        if (original.PermitsAdditionalProperties != update.PermitsAdditionalProperties)
        {
            context.Add(update.PermitsAdditionalProperties ? ADDITIONAL_PROPERTIES_ADDED : ADDITIONAL_PROPERTIES_REMOVED);
        }
        else if (original.AdditionalProperties is null && update.AdditionalProperties is not null)
        {
            context.Add(ADDITIONAL_PROPERTIES_NARROWED);
        }
        else if (original.AdditionalProperties is not null && update.AdditionalProperties is null)
        {
            context.Add(ADDITIONAL_PROPERTIES_EXTENDED);
        }
        else
        {
            SchemaDiff.Compare(context, original.AdditionalProperties, update.AdditionalProperties);
        }
    }
}
