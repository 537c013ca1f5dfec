using YamlDotNet.RepresentationModel;

namespace Herald.Server.Tests.Deploy;

/// <summary>One rule of a Prometheus rule file: an alert or a recording rule.</summary>
internal sealed record PrometheusRule(
    string Group,
    string? Alert,
    string? Record,
    string Expr,
    string? For,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations);

/// <summary>Reads Prometheus rule files (<c>groups[].rules[]</c>), to check what promtool does not: names, links, labels.</summary>
internal static class RuleFile
{
    public const string Alerts = "deploy/prometheus/herald-alerts.yml";
    public const string AlertTests = "deploy/prometheus/herald-alerts.test.yml";
    public const string Recording = "deploy/prometheus/herald-rules.yml";
    public const string RecordingTests = "deploy/prometheus/herald-rules.test.yml";

    public static IReadOnlyList<PrometheusRule> Load(string relativePath) => Parse(Repository.ReadText(relativePath));

    public static IReadOnlyList<PrometheusRule> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var rules = new List<PrometheusRule>();
        foreach (var group in Sequence(root, "groups").Cast<YamlMappingNode>())
        {
            var groupName = Scalar(group, "name") ?? string.Empty;
            foreach (var rule in Sequence(group, "rules").Cast<YamlMappingNode>())
            {
                rules.Add(new PrometheusRule(
                    groupName,
                    Scalar(rule, "alert"),
                    Scalar(rule, "record"),
                    Scalar(rule, "expr") ?? string.Empty,
                    Scalar(rule, "for"),
                    Map(rule, "labels"),
                    Map(rule, "annotations")));
            }
        }

        return rules;
    }

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode sequence ? sequence.Children : [];

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static Dictionary<string, string> Map(YamlMappingNode node, string key)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlMappingNode mapping)
        {
            foreach (var (name, entry) in mapping.Children)
            {
                map[((YamlScalarNode)name).Value!] = ((YamlScalarNode)entry).Value ?? string.Empty;
            }
        }

        return map;
    }
}
