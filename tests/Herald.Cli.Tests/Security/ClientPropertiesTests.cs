using Herald.Cli.Kafka;

namespace Herald.Cli.Tests.Security;

public sealed class ClientPropertiesTests
{
    private static FileInfo Write(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"herald-client-{Guid.NewGuid():N}.properties");
        File.WriteAllText(path, text);
        return new FileInfo(path);
    }

    [Fact]
    public void A_java_properties_file_is_read_with_comments_separators_escapes_and_continuations()
    {
        var properties = ClientProperties.From(Write("""
            # comment
            ! another comment

            security.protocol = SASL_PLAINTEXT
            sasl.mechanisms:SCRAM-SHA-512
            client.id herald\
              -cli
            sasl.password=a\=b\:c\\d
            """), null);

        Assert.Equal("SASL_PLAINTEXT", properties["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", properties["sasl.mechanisms"]);
        Assert.Equal("herald-cli", properties["client.id"]);
        Assert.Equal(@"a=b:c\d", properties["sasl.password"]);
        Assert.Equal(4, properties.Count);
    }

    [Fact]
    public void A_jaas_line_becomes_sasl_username_and_password_unless_they_are_given()
    {
        var file = Write("""sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="p w";""");

        var fromFile = ClientProperties.From(file, null);
        var overridden = ClientProperties.From(file, ["sasl.username=bob"]);

        Assert.Equal("alice", fromFile["sasl.username"]);
        Assert.Equal("p w", fromFile["sasl.password"]);
        Assert.False(fromFile.ContainsKey("sasl.jaas.config"));
        Assert.Equal("bob", overridden["sasl.username"]);
        Assert.Equal("p w", overridden["sasl.password"]);
    }

    [Fact]
    public void X_pairs_override_the_file_and_keep_equals_signs_in_values()
    {
        var properties = ClientProperties.From(Write("sasl.password=old\n"), ["sasl.password=new=value", " client.id =cli"]);

        Assert.Equal("new=value", properties["sasl.password"]);
        Assert.Equal("cli", properties["client.id"]);
    }

    [Fact]
    public void A_missing_file_is_bad_input_naming_it()
    {
        var missing = new FileInfo(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.properties"));

        var error = Assert.Throws<CliException>(() => ClientProperties.From(missing, null));

        Assert.Equal(HeraldCli.UsageError, error.ExitCode);
        Assert.Contains(missing.FullName, error.Message, StringComparison.Ordinal);
    }
}
