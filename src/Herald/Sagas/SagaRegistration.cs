using Herald.Consuming;

namespace Herald.Sagas;

/// <summary>A saga the host runs: its definition and the consumer that feeds it (whose group and retry policy its timeouts use).</summary>
internal sealed record SagaRegistration(SagaDefinition Definition, ConsumerRegistration Consumer);
