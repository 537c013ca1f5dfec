using Confluent.SchemaRegistry;

namespace Herald.Contracts;

/// <summary>Registers or checks a contract's schema at start-up, so an incompatible deploy fails before it publishes.</summary>
public static class SchemaRegistration
{
    /// <summary>Registers <typeparamref name="T"/>'s JSON Schema under <paramref name="subject"/>; returns its id.</summary>
    /// <exception cref="SchemaRegistryException">The registry refused it (409 = incompatible, with the violations in the message).</exception>
    public static Task<int> RegisterAsync<T>(ISchemaRegistryClient registry, string subject) =>
        registry.RegisterSchemaAsync(subject, new Schema(ContractSchema.GenerateJsonSchema<T>(), SchemaType.Json));

    /// <summary>Whether <typeparamref name="T"/>'s schema is compatible with the latest version under <paramref name="subject"/> (true when the subject is new).</summary>
    public static async Task<bool> IsCompatibleAsync<T>(ISchemaRegistryClient registry, string subject)
    {
        try
        {
            return await registry.IsCompatibleAsync(subject, new Schema(ContractSchema.GenerateJsonSchema<T>(), SchemaType.Json)).ConfigureAwait(false);
        }
        catch (SchemaRegistryException ex) when (ex.ErrorCode == 40401)
        {
            return true;
        }
    }
}
