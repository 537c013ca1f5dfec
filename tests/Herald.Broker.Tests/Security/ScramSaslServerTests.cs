using System.Text;
using Herald.Broker.Security;
using Herald.Broker.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Broker.Tests.Security;

/// <summary>The SCRAM server against RFC 7677's test vector and the client quirks it must accept.</summary>
public sealed class ScramSaslServerTests
{
    private static CredentialStore StoreWith(string user, string password, ScramMechanism mechanism, byte[]? salt = null)
    {
        var store = new CredentialStore(TestBroker.NewDataDirectory());
        salt ??= System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var credential = ScramCredential.FromSaltedPassword(mechanism, salt, 4096, mechanism.SaltedPassword(password, salt, 4096));
        store.Apply([new CredentialChange(user, mechanism, credential)]);
        return store;
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void The_rfc_7677_test_vector_gives_its_server_first_and_server_final_messages()
    {
        var store = StoreWith("user", "pencil", ScramMechanism.Sha256, Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="));
        var server = new ScramSaslServer(ScramMechanism.Sha256, store, () => "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");

        var first = server.Evaluate(Bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        var final = server.Evaluate(Bytes("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));

        Assert.Equal(SaslOutcome.Continue, first.Outcome);
        Assert.Equal("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", Text(first.Challenge));
        Assert.Equal(SaslOutcome.Succeeded, final.Outcome);
        Assert.Equal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Text(final.Challenge));
        Assert.Equal("user", server.User);
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-512")]
    public void A_client_final_nonce_that_repeats_the_client_nonce_is_accepted_as_librdkafka_up_to_2_6_sends_it(string mechanism)
    {
        var scram = ScramMechanism.FromName(mechanism)!;
        var server = new ScramSaslServer(scram, StoreWith("bob", "secret", scram));
        var client = new ScramClient(mechanism, "bob", "secret", repeatClientNonce: true);

        var first = server.Evaluate(client.ClientFirst());
        var final = server.Evaluate(client.ClientFinal(first.Challenge));

        Assert.Equal(SaslOutcome.Succeeded, final.Outcome);
        Assert.True(client.VerifiesServer(final.Challenge));
    }

    [Fact]
    public void A_client_final_nonce_without_the_server_nonce_fails()
    {
        var server = new ScramSaslServer(ScramMechanism.Sha256, StoreWith("bob", "secret", ScramMechanism.Sha256));
        var client = new ScramClient("SCRAM-SHA-256", "bob", "secret");
        var first = server.Evaluate(client.ClientFirst());
        var clientFinal = Text(client.ClientFinal(first.Challenge));
        var serverNonce = Text(first.Challenge).Split(',')[0][2..];

        var final = server.Evaluate(Bytes(clientFinal.Replace(serverNonce, serverNonce[..^4] + "AAAA", StringComparison.Ordinal)));

        Assert.Equal(SaslOutcome.Failed, final.Outcome);
    }

    [Theory]
    [InlineData("p=tls-unique,,n=bob,r=abc")]
    [InlineData("n,,r=abc")]
    [InlineData("n,,n=bo=b,r=abc")]
    [InlineData("n,a=eve,n=bob,r=abc")]
    [InlineData("n,,n=bob,r=abc,tokenauth=true")]
    [InlineData("")]
    public void A_malformed_or_unsupported_client_first_message_fails_without_a_challenge(string clientFirst)
    {
        var server = new ScramSaslServer(ScramMechanism.Sha256, StoreWith("bob", "secret", ScramMechanism.Sha256));

        var step = server.Evaluate(Bytes(clientFirst));

        Assert.Equal(SaslOutcome.Failed, step.Outcome);
        Assert.Empty(step.Challenge);
    }

    [Fact]
    public void An_escaped_user_name_is_unescaped()
    {
        var server = new ScramSaslServer(ScramMechanism.Sha256, StoreWith("a,b=c", "secret", ScramMechanism.Sha256));
        var client = new ScramClient("SCRAM-SHA-256", "a,b=c", "secret");

        var first = server.Evaluate(client.ClientFirst());
        var final = server.Evaluate(client.ClientFinal(first.Challenge));

        Assert.Equal(SaslOutcome.Succeeded, final.Outcome);
        Assert.Equal("a,b=c", server.User);
    }

    [Theory]
    [InlineData("\0bob\0secret", true)]
    [InlineData("bob\0bob\0secret", true)]
    [InlineData("eve\0bob\0secret", false)]
    [InlineData("\0bob\0wrong", false)]
    [InlineData("\0nobody\0secret", false)]
    [InlineData("\0bob", false)]
    public void Plain_checks_the_password_against_the_scram_credential(string message, bool succeeds)
    {
        var server = new PlainSaslServer(StoreWith("bob", "secret", ScramMechanism.Sha512));

        Assert.Equal(succeeds ? SaslOutcome.Succeeded : SaslOutcome.Failed, server.Evaluate(Bytes(message)).Outcome);
    }
}
