namespace Herald.Registry;

/// <summary>A registry request that cannot be served; carries Confluent's HTTP status and error code.</summary>
public sealed class RegistryException : Exception
{
    public RegistryException(int httpStatus, int errorCode, string message)
        : base(message)
    {
        HttpStatus = httpStatus;
        ErrorCode = errorCode;
    }

    public int HttpStatus { get; }

    /// <summary>Confluent's <c>error_code</c> (40401, 42201, 409, ...).</summary>
    public int ErrorCode { get; }

    public static RegistryException SubjectNotFound(string subject) => new(404, 40401, $"Subject '{subject}' not found.");

    public static RegistryException VersionNotFound(string subject, string version) => new(404, 40402, $"Version {version} not found for subject '{subject}'.");

    public static RegistryException SchemaNotFound(string what) => new(404, 40403, $"Schema {what} not found.");

    public static RegistryException InvalidSchema(string message) => new(422, 42201, $"Invalid schema: {message}");

    public static RegistryException InvalidVersion(string version) => new(422, 42202, $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");

    public static RegistryException InvalidCompatibilityLevel(string? level) => new(422, 42203, $"Invalid compatibility level '{level}'. Valid values are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE");

    public static RegistryException InvalidMode(string? mode) => new(422, 42204, $"Invalid mode '{mode}'. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, IMPORT");

    public static RegistryException NotPermitted(string message) => new(422, 42205, message);

    public static RegistryException Incompatible(string message) => new(409, 409, message);

    public static RegistryException BadRequest(string message) => new(400, 400, message);
}
