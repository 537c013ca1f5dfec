using static Herald.Registry.Formats.Json.Diff.DifferenceKind;

namespace Herald.Registry.Formats.Json.Diff;

/// <summary>Confluent's <c>StringSchemaDiff</c>, <c>NumberSchemaDiff</c>, <c>EnumSchemaDiff</c> and <c>NotSchemaDiff</c>.</summary>
internal static class ScalarSchemaDiff
{
    public static void CompareString(DiffContext context, StringNode original, StringNode update)
    {
        CompareLimit(context, "maxLength", original.MaxLength, update.MaxLength, MAX_LENGTH_ADDED, MAX_LENGTH_REMOVED, MAX_LENGTH_INCREASED, MAX_LENGTH_DECREASED);
        CompareLimit(context, "minLength", original.MinLength, update.MinLength, MIN_LENGTH_ADDED, MIN_LENGTH_REMOVED, MIN_LENGTH_INCREASED, MIN_LENGTH_DECREASED);
        if (original.Pattern is null && update.Pattern is not null)
        {
            context.Add("pattern", PATTERN_ADDED);
        }
        else if (original.Pattern is not null && update.Pattern is null)
        {
            context.Add("pattern", PATTERN_REMOVED);
        }
        else if (original.Pattern != update.Pattern)
        {
            context.Add("pattern", PATTERN_CHANGED);
        }
    }

    public static void CompareNumber(DiffContext context, NumberNode original, NumberNode update)
    {
        CompareLimit(context, "maximum", original.Maximum, update.Maximum, MAXIMUM_ADDED, MAXIMUM_REMOVED, MAXIMUM_INCREASED, MAXIMUM_DECREASED);
        CompareLimit(context, "minimum", original.Minimum, update.Minimum, MINIMUM_ADDED, MINIMUM_REMOVED, MINIMUM_INCREASED, MINIMUM_DECREASED);
        CompareLimit(context, "exclusiveMaximum", original.ExclusiveMaximum, update.ExclusiveMaximum, EXCLUSIVE_MAXIMUM_ADDED, EXCLUSIVE_MAXIMUM_REMOVED, EXCLUSIVE_MAXIMUM_INCREASED, EXCLUSIVE_MAXIMUM_DECREASED);
        CompareLimit(context, "exclusiveMinimum", original.ExclusiveMinimum, update.ExclusiveMinimum, EXCLUSIVE_MINIMUM_ADDED, EXCLUSIVE_MINIMUM_REMOVED, EXCLUSIVE_MINIMUM_INCREASED, EXCLUSIVE_MINIMUM_DECREASED);

        var (from, to) = (original.MultipleOf, update.MultipleOf);
        if (from != to)
        {
            if (from is null)
            {
                context.Add("multipleOf", MULTIPLE_OF_ADDED);
            }
            else if (to is null)
            {
                context.Add("multipleOf", MULTIPLE_OF_REMOVED);
            }
            else if (from.Value != 0 && to.Value % from.Value == 0)
            {
                context.Add("multipleOf", MULTIPLE_OF_EXPANDED);
            }
            else if (to.Value != 0 && from.Value % to.Value == 0)
            {
                context.Add("multipleOf", MULTIPLE_OF_REDUCED);
            }
            else
            {
                context.Add("multipleOf", MULTIPLE_OF_CHANGED);
            }
        }

        if (original.RequiresInteger != update.RequiresInteger)
        {
            context.Add(original.RequiresInteger ? TYPE_EXTENDED : TYPE_NARROWED);
        }
    }

    public static void CompareEnum(DiffContext context, EnumNode original, EnumNode update)
    {
        if (original.Values.SetEquals(update.Values))
        {
            return;
        }

        if (update.Values.IsSupersetOf(original.Values))
        {
            context.Add("enum", ENUM_ARRAY_EXTENDED);
        }
        else if (original.Values.IsSupersetOf(update.Values))
        {
            context.Add("enum", ENUM_ARRAY_NARROWED);
        }
        else
        {
            context.Add("enum", ENUM_ARRAY_CHANGED);
        }
    }

    public static void CompareNot(DiffContext context, NotNode original, NotNode update)
    {
        using (context.Enter("not"))
        {
            // A reader accepts more when it forbids less, so the wrapped schemas swap roles.
            var sub = context.Subcontext();
            SchemaDiff.Compare(sub, update.MustNotMatch, original.MustNotMatch);
            context.Add(sub.IsCompatible ? NOT_TYPE_NARROWED : NOT_TYPE_EXTENDED);
        }
    }

    public static void CompareLimit<T>(
        DiffContext context, string keyword, T? original, T? update,
        DifferenceKind added, DifferenceKind removed, DifferenceKind increased, DifferenceKind decreased)
        where T : struct, IComparable<T>
    {
        if (original is null && update is null)
        {
            return;
        }

        if (original is null)
        {
            context.Add(keyword, added);
        }
        else if (update is null)
        {
            context.Add(keyword, removed);
        }
        else if (original.Value.CompareTo(update.Value) < 0)
        {
            context.Add(keyword, increased);
        }
        else if (original.Value.CompareTo(update.Value) > 0)
        {
            context.Add(keyword, decreased);
        }
    }
}
