using System.Net;
using System.Text.Json;
using Confluent.SchemaRegistry;

namespace Herald.Registry.Tests.Api;

/// <summary>The real Confluent.SchemaRegistry client against Herald's registry.</summary>
public sealed class ConfluentClientTests
{
    private const string UserV1 = """{"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"string"}]}""";
    private const string UserV2WithDefault = """{"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"string"},{"name":"email","type":["null","string"],"default":null}]}""";
    private const string UserV2Required = """{"type":"record","name":"User","namespace":"acme","fields":[{"name":"id","type":"string"},{"name":"age","type":"int"}]}""";

    [Fact]
    public async Task Register_look_up_and_fetch_by_id_with_stable_global_ids()
    {
        var server = await RegistryServer.Shared;
        using var client = RegistryServer.Client(server);
        var subject = RegistryServer.Subject("users-value");
        var other = RegistryServer.Subject("accounts-value");

        int id = await client.RegisterSchemaAsync(subject, new Schema(UserV1, SchemaType.Avro));
        Assert.Equal(id, await client.RegisterSchemaAsync(subject, new Schema(UserV1, SchemaType.Avro)));
        // The same schema in another subject keeps its global id.
        Assert.Equal(id, await client.RegisterSchemaAsync(other, new Schema(UserV1, SchemaType.Avro)));

        var byId = await client.GetSchemaAsync(id);
        Assert.Equal(SchemaType.Avro, byId.SchemaType);
        Assert.Contains("\"User\"", byId.SchemaString, StringComparison.Ordinal);

        var latest = await client.GetLatestSchemaAsync(subject);
        Assert.Equal(1, latest.Version);
        Assert.Equal(id, latest.Id);
        Assert.Equal(subject, latest.Subject);

        var looked = await client.LookupSchemaAsync(subject, new Schema(UserV1, SchemaType.Avro), ignoreDeletedSchemas: true);
        Assert.Equal(1, looked.Version);
        Assert.Contains(subject, await client.GetAllSubjectsAsync());
        Assert.Equal([1], await client.GetSubjectVersionsAsync(subject));
    }

    [Fact]
    public async Task Evolution_follows_the_subject_level()
    {
        var server = await RegistryServer.Shared;
        using var client = RegistryServer.Client(server);
        var subject = RegistryServer.Subject("evolve-value");
        await client.RegisterSchemaAsync(subject, new Schema(UserV1, SchemaType.Avro));

        Assert.True(await client.IsCompatibleAsync(subject, new Schema(UserV2WithDefault, SchemaType.Avro)));
        Assert.False(await client.IsCompatibleAsync(subject, new Schema(UserV2Required, SchemaType.Avro)));

        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema(UserV2Required, SchemaType.Avro)));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("age", refused.Message, StringComparison.Ordinal);
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", refused.Message, StringComparison.Ordinal);

        int v2 = await client.RegisterSchemaAsync(subject, new Schema(UserV2WithDefault, SchemaType.Avro));
        Assert.Equal(2, (await client.GetLatestSchemaAsync(subject)).Version);
        Assert.Equal(v2, (await client.GetLatestSchemaAsync(subject)).Id);

        await client.UpdateCompatibilityAsync(Confluent.SchemaRegistry.Compatibility.None, subject);
        Assert.Equal(Confluent.SchemaRegistry.Compatibility.None, await client.GetCompatibilityAsync(subject));
        await client.RegisterSchemaAsync(subject, new Schema(UserV2Required, SchemaType.Avro));
        // The client caches "latest" forever by default; ask a fresh one.
        using var fresh = RegistryServer.Client(server);
        Assert.Equal(3, (await fresh.GetLatestSchemaAsync(subject)).Version);
    }

    [Fact]
    public async Task Protobuf_schemas_are_checked_by_field_number()
    {
        var server = await RegistryServer.Shared;
        using var client = RegistryServer.Client(server);
        var subject = RegistryServer.Subject("proto-value");
        const string v1 = "syntax = \"proto3\";\npackage shop;\nmessage Order {\n  string id = 1;\n  int64 cents = 2;\n}\n";
        const string renamed = "syntax = \"proto3\";\npackage shop;\n// renamed field, same number\nmessage Order {\n  string order_id = 1;\n  int64 cents = 2;\n  string note = 3;\n}\n";
        const string retyped = "syntax = \"proto3\";\npackage shop;\nmessage Order {\n  int32 order_id = 1;\n  int64 cents = 2;\n}\n";

        int id = await client.RegisterSchemaAsync(subject, new Schema(v1, SchemaType.Protobuf));
        Assert.Equal(SchemaType.Protobuf, (await client.GetSchemaAsync(id)).SchemaType);
        await client.RegisterSchemaAsync(subject, new Schema(renamed, SchemaType.Protobuf));

        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema(retyped, SchemaType.Protobuf)));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("FIELD_SCALAR_KIND_CHANGED", refused.Message, StringComparison.Ordinal);
        Assert.Contains("field 1", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_subjects_versions_and_ids_get_confluents_error_codes()
    {
        var server = await RegistryServer.Shared;
        using var client = RegistryServer.Client(server);
        var subject = RegistryServer.Subject("errors-value");

        var noSubject = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetLatestSchemaAsync(subject));
        Assert.Equal(40401, noSubject.ErrorCode);

        await client.RegisterSchemaAsync(subject, new Schema(UserV1, SchemaType.Avro));
        var noVersion = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetRegisteredSchemaAsync(subject, 42, ignoreDeletedSchemas: true));
        Assert.Equal(40402, noVersion.ErrorCode);

        var noId = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetSchemaAsync(987654));
        Assert.Equal(40403, noId.ErrorCode);

        var invalid = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema("""{"type":"record","name":"X","fields":[{"name":"a","type":"strin"}]}""", SchemaType.Avro)));
        Assert.Equal(42201, invalid.ErrorCode);
        Assert.Contains("strin", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_bodies_get_json_error_bodies_and_store_nothing()
    {
        var server = await RegistryServer.Shared;
        var subject = RegistryServer.Subject("bad-body");

        var (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", "{not json");
        Assert.Equal(400, status);
        AssertError(body, 400);

        (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", """{"schema":"{}","schemaType":"XML"}""");
        Assert.Equal(422, status);
        AssertError(body, 42201);

        var huge = JsonSerializer.Serialize(new { schema = "{\"type\":\"record\",\"name\":\"Big\",\"doc\":\"" + new string('x', 2 * 1024 * 1024) + "\",\"fields\":[]}" });
        (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", huge);
        Assert.Equal(422, status);
        AssertError(body, 42209);

        (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Put, "config", """{"compatibility":"SOMETIMES"}""");
        Assert.Equal(422, status);
        AssertError(body, 42203);

        (status, _) = await RegistryServer.SendAsync(server, HttpMethod.Get, $"subjects/{subject}/versions");
        Assert.Equal(404, status);
    }

    private static void AssertError(string body, int code)
    {
        using var json = JsonDocument.Parse(body);
        Assert.Equal(code, json.RootElement.GetProperty("error_code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("message").GetString()));
        Assert.Equal(2, json.RootElement.EnumerateObject().Count());
    }
}
