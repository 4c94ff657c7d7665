using System.Text.Json;

namespace PlacementService;

/// <summary>
/// Reads the template of a <c>POST /templates</c>: JSON, at most <see cref="Template.MaxRequestBytes"/> bytes (by its
/// Content-Length, or as it is read when it is sent chunked), and valid; anything else is a ProblemDetails.
/// </summary>
/// <remarks>
/// The body is read here, bounded, rather than by lowering Kestrel's request-body limit: past that limit Kestrel closes
/// the connection without reading the rest, and a client still sending sees a reset instead of the 413. Here the unread
/// rest is drained by Kestrel (within its own default limit) and the client gets the answer.
/// </remarks>
internal static class TemplateRequest
{
    private const string Example = "{\"name\":\"web\",\"cpu\":4}";

    /// <summary>The template, or the problem to answer with instead.</summary>
    public static async Task<(Template? Template, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Media Type", detail: $"Send the template as application/json ({Example})."));
        }

        if (request.ContentLength > Template.MaxRequestBytes)
        {
            return (null, TooLarge());
        }

        var body = await ReadAtMostAsync(request.Body, Template.MaxRequestBytes, cancellationToken);
        if (body is null)
        {
            return (null, TooLarge());
        }

        Template? template;
        try
        {
            template = body.Length == 0 ? null : JsonSerializer.Deserialize<Template>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed template", detail: $"The body is not a JSON template ({Example}): {ex.Message}"));
        }

        if (template is null)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed template", detail: $"The body is empty; send a JSON template ({Example})."));
        }

        var problems = template.Problems();
        return problems.Count > 0 ? (null, Results.ValidationProblem(problems, title: "Invalid template")) : (template, null);
    }

    private static IResult TooLarge() =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Template too large", detail: $"A template request has at most {Template.MaxRequestBytes} bytes.");

    /// <summary>The whole body, or <c>null</c> as soon as it is longer than <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[limit + 1];
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length > limit)
            {
                return null;
            }
        }

        return buffer.AsSpan(0, length).ToArray();
    }
}
