using System.Net;
using System.Net.Http.Json;
using PlacementService;

namespace MusicRecipes.Samples.Tests;

/// <summary>
/// Submits a template to a site's API as any client of it must: a 503 is the API's documented "retry shortly" (a
/// site's first submission registers its producer in a critical section, whose quorum reads can time out on a loaded
/// machine), so it waits the Retry-After and submits again. Any other status than 202 fails the test, with the problem
/// body in the message.
/// </summary>
internal static class TemplateSubmitter
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Submits <paramref name="template"/> until it is accepted and returns the 202 response.</summary>
    public static async Task<HttpResponseMessage> SubmitAcceptedAsync(this HttpClient http, Template template)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var response = await http.PostAsJsonAsync("/templates", template, deadline.Token);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                response.Dispose();
                await Task.Delay(TimeSpan.FromSeconds(CoordinationProblemHandler.RetryAfterSeconds), deadline.Token);
                continue;
            }

            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                var body = await response.Content.ReadAsStringAsync(deadline.Token);
                Assert.Fail($"POST /templates answered {(int)response.StatusCode}: {body}");
            }

            return response;
        }
    }
}
