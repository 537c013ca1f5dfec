using Herald.Cdc.Model;

namespace Herald.Cdc.Tests;

public sealed class CdcModelTests
{
    [Theory]
    [InlineData(ChangeOperation.Create, "c")]
    [InlineData(ChangeOperation.Update, "u")]
    [InlineData(ChangeOperation.Delete, "d")]
    [InlineData(ChangeOperation.Read, "r")]
    [InlineData(ChangeOperation.Truncate, "t")]
    public void Op_codes_round_trip(ChangeOperation operation, string code)
    {
        Assert.Equal(code, operation.ToCode());
        Assert.Equal(operation, ChangeOperationCodes.Parse(code));
    }

    [Fact]
    public void Unknown_op_code_is_a_clear_error()
    {
        var error = Assert.Throws<FormatException>(() => ChangeOperationCodes.Parse("x"));
        Assert.Contains("'x'", error.Message, StringComparison.Ordinal);
    }
}
