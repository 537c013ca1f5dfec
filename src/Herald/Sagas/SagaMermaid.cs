using System.Text;

namespace Herald.Sagas;

/// <summary>Renders a definition's table as a Mermaid state diagram.</summary>
internal static class SagaMermaid
{
    public static string Render(SagaDefinition definition)
    {
        var text = new StringBuilder("stateDiagram-v2\n");
        foreach (var transition in definition.Transitions)
        {
            var label = transition.Event + (transition.IsTimeout, transition.IsCompensation) switch
            {
                (true, true) => " (timeout, compensation)",
                (true, false) => " (timeout)",
                (false, true) => " (compensation)",
                _ => "",
            };
            foreach (var to in transition.To)
            {
                text.Append("    ").Append(transition.From ?? "[*]").Append(" --> ").Append(to).Append(" : ").Append(label).Append('\n');
            }
        }

        foreach (var final in definition.Steps.Where(definition.FinalSteps.Contains))
        {
            text.Append("    ").Append(final).Append(" --> [*]\n");
        }

        return text.ToString();
    }
}
