namespace Herald.Broker.Security;

/// <summary>A user name and password the server turns into SCRAM credentials when it starts; the password is not kept.</summary>
/// <param name="Name">The user name (<c>User:NAME</c>).</param>
/// <param name="Password">The password, from <c>HERALD_ADMIN_PASSWORD</c> for <c>herald serve</c>; never printed.</param>
public sealed record AdminUser(string Name, string Password)
{
    /// <summary>Names the user and hides the password, so logging the options never leaks it.</summary>
    public override string ToString() => $"AdminUser {{ Name = {Name}, Password = *** }}";
}
