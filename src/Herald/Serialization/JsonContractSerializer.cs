using System.Text.Json;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Herald.Contracts;

namespace Herald.Serialization;

/// <summary>
/// Serializes event contracts as JSON in the registry wire format. The contract's schema is registered (or, with
/// <see cref="JsonContractSerializerOptions.AutoRegister"/> off, looked up) under the topic's value subject once, and
/// its id prefixes every message — so Confluent's <c>JsonDeserializer</c> reads what this writes.
/// </summary>
public sealed class JsonContractSerializer<T> : IAsyncSerializer<T>
{
    private readonly ISchemaRegistryClient _registry;
    private readonly JsonContractSerializerOptions _options;
    private readonly string _schema;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public JsonContractSerializer(ISchemaRegistryClient registry, JsonContractSerializerOptions? options = null)
    {
        _registry = registry;
        _options = options ?? new JsonContractSerializerOptions();
        _schema = ContractSchema.GenerateJsonSchema<T>(_options.SerializerOptions, _options.ClosedModel);
    }

    /// <summary>The JSON Schema this serializer registers.</summary>
    public string Schema => _schema;

    public async Task<byte[]> SerializeAsync(T data, SerializationContext context)
    {
        var subject = _options.SubjectName?.Invoke(context.Topic) ?? $"{context.Topic}-{(context.Component == MessageComponentType.Key ? "key" : "value")}";
        int id = await SchemaIdAsync(subject).ConfigureAwait(false);
        var payload = JsonSerializer.SerializeToUtf8Bytes(data, _options.SerializerOptions);
        var message = new byte[RegistryWireFormat.HeaderSize + payload.Length];
        RegistryWireFormat.WriteHeader(message, id);
        payload.CopyTo(message, RegistryWireFormat.HeaderSize);
        return message;
    }

    private async Task<int> SchemaIdAsync(string subject)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_ids.TryGetValue(subject, out var cached))
            {
                return cached;
            }

            var schema = new Schema(_schema, SchemaType.Json);
            int id = _options.AutoRegister
                ? await _registry.RegisterSchemaAsync(subject, schema).ConfigureAwait(false)
                : (await _registry.LookupSchemaAsync(subject, schema, ignoreDeletedSchemas: true).ConfigureAwait(false)).Id;
            _ids[subject] = id;
            return id;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Reads registry-framed JSON written by <see cref="JsonContractSerializer{T}"/> or by Confluent's <c>JsonSerializer</c>.</summary>
public sealed class JsonContractDeserializer<T> : IDeserializer<T>
{
    private readonly JsonSerializerOptions _options;

    public JsonContractDeserializer(JsonSerializerOptions? options = null)
    {
        _options = options ?? ContractSchema.DefaultSerializerOptions;
    }

    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull)
        {
            return default!;
        }

        if (!RegistryWireFormat.TryReadHeader(data, out _, out var offset))
        {
            throw new InvalidDataException($"message on '{context.Topic}' is not in the schema registry wire format (magic byte 0 + schema id)");
        }

        return JsonSerializer.Deserialize<T>(data[offset..], _options)
            ?? throw new InvalidDataException($"message on '{context.Topic}' holds JSON null");
    }
}

/// <summary>Settings of <see cref="JsonContractSerializer{T}"/>.</summary>
public sealed record JsonContractSerializerOptions
{
    /// <summary>Register the contract's schema on first use (default), or only look it up (it must already be registered).</summary>
    public bool AutoRegister { get; init; } = true;

    /// <summary>Generate a closed content model (default) or an open one.</summary>
    public bool ClosedModel { get; init; } = true;

    /// <summary>The subject for a topic; default Confluent's TopicNameStrategy (<c>{topic}-value</c>).</summary>
    public Func<string, string>? SubjectName { get; init; }

    /// <summary>JSON options for the payload and the generated schema.</summary>
    public JsonSerializerOptions SerializerOptions { get; init; } = ContractSchema.DefaultSerializerOptions;
}
