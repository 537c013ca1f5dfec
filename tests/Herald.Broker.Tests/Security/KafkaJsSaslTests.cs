using System.Text.Json;
using Herald.Broker.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Broker.Tests.Security;

/// <summary>kafkajs 2.x logging in with its own SASL code (handshake v1, SaslAuthenticate v0/v1, its SCRAM checks).</summary>
public sealed class KafkaJsSaslTests
{
    [Theory]
    [InlineData("scram-sha-256")]
    [InlineData("scram-sha-512")]
    public async Task Kafkajs_logs_in_with_scram_produces_and_consumes_and_a_wrong_password_is_a_sasl_authentication_error(string mechanism)
    {
        var server = await SecureTestBroker.Shared;
        var password = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, password);

        var (exit, output) = await KafkaJs.RunScriptAsync(
            "sasl.mjs", [server.KafkaBootstrap, mechanism, user, password, TestBroker.UniqueName("kafkajs-sasl"), TestBroker.UniqueName("g")], TimeSpan.FromMinutes(2));

        Assert.True(exit == 0, $"kafkajs script failed:\n{output}");
        using var result = JsonDocument.Parse(output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal))["RESULT ".Length..]);
        Assert.Equal($"over {mechanism}", result.RootElement.GetProperty("received").GetString());
        var refused = result.RootElement.GetProperty("wrongPassword");
        Assert.Equal("KafkaJSSASLAuthenticationError", refused.GetProperty("name").GetString());
        Assert.Contains("Authentication failed during authentication due to invalid credentials", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
