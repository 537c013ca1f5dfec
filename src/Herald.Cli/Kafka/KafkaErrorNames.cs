using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Herald.Cli.Kafka;

/// <summary>Kafka error codes as the protocol documentation names them, so a person can look them up.</summary>
internal static class KafkaErrorNames
{
    /// <summary><c>NON_EMPTY_GROUP (68)</c> for <see cref="ErrorCode.NonEmptyGroup"/>; client-side codes (negative) keep librdkafka's name.</summary>
    public static string Name(ErrorCode code)
    {
        var name = code.ToString();
        if ((int)code < 0 || name.StartsWith("Local_", StringComparison.Ordinal))
        {
            return name;
        }

        var upper = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
            {
                upper.Append('_');
            }

            upper.Append(char.ToUpperInvariant(name[i]));
        }

        return $"{upper} ({((int)code).ToString(CultureInfo.InvariantCulture)})";
    }
}
