using System.Text.Json;
using MusicRecipes;
using MusicRecipes.Recipes.Queue;

namespace PlacementService;

/// <summary>
/// The HTTP API of a site. Every error is a ProblemDetails (<c>application/problem+json</c>).
/// <code>
/// POST /templates                   {"name":"web","cpu":4}  → 202 {"id":"site-0-1a2b3c4d/7"}; 400 for a bad template, 413 over 4 KiB, 415 if not JSON
/// GET  /templates/{producer}/{seq}  → 200 {"state":"Done","worker":"site-1-w0",…}; 404 for an unknown id (no lock taken)
/// GET  /site                        → 200 {"site":"site-0","cpuUsed":6,"cpuTotal":16}
/// GET  /api/dashboard               → what the live page at / shows
/// POST /api/faults/crash/{site}     → crashes a worker of that site (demo)
/// POST /api/faults/cut-off/{site}   → cuts the site off for the scenario's cut-off time, then heals it (demo)
/// </code>
/// </summary>
internal static class PlacementApi
{
    public static void MapPlacementApi(this IEndpointRouteBuilder app, PlacementSite site, IPlacementBackend backend)
    {
        var world = site.World;
        app.MapPost("/templates", async (HttpRequest request, [FromKeyedServices(PlacementSite.QueueName)] MusicWorkQueue queue, CancellationToken ct) =>
            {
                var (template, problem) = await TemplateRequest.ReadAsync(request, ct);
                if (problem is not null)
                {
                    return problem;
                }

                var id = await queue.SubmitAsync(JsonSerializer.SerializeToUtf8Bytes(template), ct);
                world.Ledger.RecordSubmitted();
                return Results.Accepted($"/templates/{id}", new SubmitResponse(id.ToString()));
            })
            .Accepts<Template>("application/json")
            .Produces<SubmitResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("SubmitTemplate");

        app.MapGet("/templates/{producer}/{sequence:long}", async (string producer, long sequence, [FromKeyedServices(PlacementSite.QueueName)] MusicWorkQueue queue, CancellationToken ct) =>
            {
                // An eventual read at this site, without the item's lock: cheap, possibly a little behind.
                var status = await queue.PeekStatusAsync(new WorkItemId(producer, sequence), ct);
                return status is null
                    ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown template", detail: $"No template {producer}/{sequence} was submitted (as far as this site knows).")
                    : Results.Ok(new StatusResponse(status.State.ToString(), status.Worker, status.FencingToken, status.Attempt));
            })
            .Produces<StatusResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetTemplateStatus");

        app.MapGet("/site", (IMusicClient client) => Results.Ok(new SiteResponse(client.Site, site.Capacity.UsedCpu, site.Capacity.TotalCpu)))
            .WithName("GetSite");

        app.MapGet("/api/dashboard", () => Results.Ok(DashboardSnapshot.Of(world))).WithName("GetDashboard");

        app.MapPost("/api/faults/crash/{target:int}", async (int target) =>
            {
                var victim = world.Sites.FirstOrDefault(s => s.Site == target)?.Workers.FirstOrDefault(w => !w.IsKilled);
                if (victim is null)
                {
                    return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No worker to crash", detail: $"site-{target} has no running worker.");
                }

                await victim.CrashAsync(backend);
                world.Events.Add($"CRASH {victim.Name}");
                return Results.Accepted();
            })
            .WithName("CrashWorker");

        app.MapPost("/api/faults/cut-off/{target:int}", (int target) =>
            {
                if (world.Sites.All(s => s.Site != target))
                {
                    return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown site", detail: $"There is no site-{target}.");
                }

                _ = CutOffForAWhileAsync(world, backend, target);
                return Results.Accepted();
            })
            .WithName("CutOffSite");
    }

    private static async Task CutOffForAWhileAsync(PlacementWorld world, IPlacementBackend backend, int site)
    {
        await backend.CutOffAsync(site);
        world.RecordCutOff(site, backend.CutOffEffect);
        await Task.Delay(world.Options.CutOffFor);
        await backend.HealAsync(site);
        world.RecordHealed(site);
    }

    internal sealed record SubmitResponse(string Id);

    internal sealed record StatusResponse(string State, string? Worker, long? Fence, int Attempt);

    internal sealed record SiteResponse(string Site, int CpuUsed, int CpuTotal);
}
