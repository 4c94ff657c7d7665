using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using MusicRecipes;

namespace PlacementService;

/// <summary>
/// Turns a MUSIC coordination failure that reaches a site's API (the backend unavailable or too slow at this site) into
/// a 503 ProblemDetails with <c>Retry-After</c>: the client should retry, here or at another site. Any other exception
/// is left to the default handler (a 500 ProblemDetails).
/// </summary>
internal sealed class CoordinationProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>Seconds a client should wait before it retries.</summary>
    public const int RetryAfterSeconds = 1;

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!MusicErrors.IsCoordinationFailure(exception))
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Coordination unavailable",
                Detail = $"This site cannot reach enough of the MUSIC backend right now ({exception.GetType().Name}); retry in {RetryAfterSeconds} s, here or at another site.",
            },
        });
    }
}
