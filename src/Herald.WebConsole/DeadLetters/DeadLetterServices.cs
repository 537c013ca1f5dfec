using Microsoft.Extensions.DependencyInjection.Extensions;
using Herald.WebConsole.Audit;
using Herald.WebConsole.DeadLetters;
using Herald.WebConsole.Kafka;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the dead-letter and audit pages use.</summary>
internal static class DeadLetterServices
{
    /// <summary>Adds the console's producer, the audit log and trail, and the dead-letter reader and actions.</summary>
    public static IServiceCollection AddConsoleDeadLetters(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleProducer>();
        services.TryAddSingleton<AuditLog>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<ResolvedDeadLetters>();
        services.AddSingleton<DeadLetterBrowser>();
        services.AddSingleton<DeadLetterActions>();
        return services;
    }
}
