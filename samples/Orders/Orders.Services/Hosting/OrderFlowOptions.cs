namespace Orders.Services.Hosting;

/// <summary>What every order-flow service is told: the broker, the topic, its consumer group and who it belongs to.</summary>
/// <param name="Bootstrap">Kafka bootstrap servers (a <c>herald serve</c>).</param>
/// <param name="Topic">The one topic every order event travels on.</param>
/// <param name="Group">The service's consumer group.</param>
/// <param name="Instance">
/// The static group membership id (<c>group.instance.id</c>): a restarted service takes its partitions back at once instead
/// of waiting for the killed process's session to expire. Run a second copy of a service with another id.
/// </param>
/// <param name="ExitWithProcess">Stop when this process exits: drills pass their own id so no service outlives them.</param>
public sealed record OrderFlowOptions(string Bootstrap, string Topic, string Group, string Instance, int? ExitWithProcess)
{
    public const string DefaultBootstrap = "127.0.0.1:9092";

    /// <summary>The options every service accepts (each adds its own).</summary>
    public static readonly string[] Valued = ["--bootstrap", "--topic", "--group", "--instance", "--exit-with"];

    public static OrderFlowOptions From(ServiceArguments arguments, string defaultGroup)
    {
        var group = arguments.Value("--group", defaultGroup);
        return new OrderFlowOptions(
            arguments.Value("--bootstrap", DefaultBootstrap),
            arguments.Value("--topic", Contracts.OrderFlow.DefaultTopic),
            group,
            arguments.Value("--instance", group),
            arguments.Int("--exit-with"));
    }
}
