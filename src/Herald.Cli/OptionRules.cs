using System.CommandLine;
using System.Globalization;

namespace Herald.Cli;

/// <summary>Range checks that report a usage error instead of throwing on a value that does not even parse.</summary>
internal static class OptionRules
{
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && int.TryParse(result.Tokens[^1].Value, CultureInfo.InvariantCulture, out var value) && value < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum}, got {value}");
            }
        });
        return option;
    }

    public static Option<long> AtLeast(this Option<long> option, long minimum)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && long.TryParse(result.Tokens[^1].Value, CultureInfo.InvariantCulture, out var value) && value < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum}, got {value}");
            }
        });
        return option;
    }

    public static Option<double> AtLeast(this Option<double> option, double minimum)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && double.TryParse(result.Tokens[^1].Value, CultureInfo.InvariantCulture, out var value) && !(value >= minimum))
            {
                result.AddError($"{option.Name} must be at least {minimum.ToString(CultureInfo.InvariantCulture)}, got {result.Tokens[^1].Value}");
            }
        });
        return option;
    }

    public static Option<double> Positive(this Option<double> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && double.TryParse(result.Tokens[^1].Value, CultureInfo.InvariantCulture, out var value) && !(value > 0))
            {
                result.AddError($"{option.Name} must be positive, got {result.Tokens[^1].Value}");
            }
        });
        return option;
    }

    /// <summary>The option's value when it was given on the command line, otherwise <see langword="null"/>.</summary>
    public static T? GetExplicitValue<T>(this ParseResult result, Option<T> option)
        where T : struct =>
        result.GetResult(option) is { Implicit: false } ? result.GetValue(option) : null;
}
