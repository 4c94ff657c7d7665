using System.Net;

namespace MusicRecipes.Cql;

/// <summary>
/// An ERROR response from a node. Subclasses carry the code-specific fields; codes without extra fields use this
/// class or one of its small subclasses (<see cref="CqlSyntaxException"/>, <see cref="CqlInvalidQueryException"/>…).
/// </summary>
/// <example>
/// <code>
/// try { await session.ExecuteAsync(new CqlQuery("SELEC 1"), ct); }
/// catch (CqlServerException e) when (e.Code == CqlErrorCode.SyntaxError) { /* fix the query */ }
/// </code>
/// </example>
public class CqlServerException : CqlException
{
    /// <summary>Creates the exception.</summary>
    public CqlServerException(CqlErrorCode code, string message, IPEndPoint? host)
        : base($"{message} (error 0x{(int)code:X4} {code}{(host is null ? string.Empty : $" from {host}")})")
    {
        Code = code;
        ServerMessage = message;
        Host = host;
    }

    /// <summary>The error code.</summary>
    public CqlErrorCode Code { get; }

    /// <summary>The message as the server wrote it.</summary>
    public string ServerMessage { get; }

    /// <summary>The coordinator that answered.</summary>
    public IPEndPoint? Host { get; }
}

/// <summary>The query has a syntax error (0x2000).</summary>
public sealed class CqlSyntaxException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlSyntaxException(string message, IPEndPoint? host)
        : base(CqlErrorCode.SyntaxError, message, host)
    {
    }
}

/// <summary>The query is syntactically valid but wrong: unknown table or column, bad value type… (0x2200).</summary>
public sealed class CqlInvalidQueryException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlInvalidQueryException(string message, IPEndPoint? host)
        : base(CqlErrorCode.Invalid, message, host)
    {
    }
}

/// <summary>The user may not run the query (0x2100).</summary>
public sealed class CqlUnauthorizedException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlUnauthorizedException(string message, IPEndPoint? host)
        : base(CqlErrorCode.Unauthorized, message, host)
    {
    }
}

/// <summary>Authentication failed (0x0100).</summary>
public sealed class CqlAuthenticationException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlAuthenticationException(string message, IPEndPoint? host)
        : base(CqlErrorCode.BadCredentials, message, host)
    {
    }
}

/// <summary>The query is invalid because of the server configuration (0x2300).</summary>
public sealed class CqlConfigurationException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlConfigurationException(string message, IPEndPoint? host)
        : base(CqlErrorCode.ConfigError, message, host)
    {
    }
}

/// <summary>
/// The coordinator did not process the request because it is overloaded (0x1001) or bootstrapping (0x1002).
/// The client tries the next node for any statement, since nothing was executed.
/// </summary>
public sealed class CqlNodeNotReadyException : CqlServerException
{
    /// <summary>Creates the exception.</summary>
    public CqlNodeNotReadyException(CqlErrorCode code, string message, IPEndPoint? host)
        : base(code, message, host)
    {
    }
}
