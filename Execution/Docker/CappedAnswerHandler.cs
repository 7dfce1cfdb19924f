namespace OrleansHub.Execution.Docker;

/// <summary>
/// Reads no engine answer past <see cref="DockerExecutionOptions.MaxResponseBytes"/>: Docker.DotNet
/// reads whole bodies into strings (JSON answers, error texts) and has no limit of its own, so a
/// broken or hostile engine could make it allocate without bound. A body announced larger fails at
/// once; one without a length fails as soon as it grows past the limit. The one answer left whole
/// is a successful attach: that is the run's output stream, read through a fixed buffer and cut by
/// the output cap.
/// </summary>
internal sealed class CappedAnswerHandler(HttpMessageHandler innerHandler, int maxBytes) : DelegatingHandler(innerHandler)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // Docker.DotNet takes a status below 200 or from 400 as an error and reads its body.
        var status = (int)response.StatusCode;
        if (IsAttach(request) && status is >= 200 and < 400)
        {
            return response;
        }

        try
        {
            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            var original = response.Content;
            var body = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var capped = new StreamContent(new CappedReadStream(body, maxBytes, original));
            foreach (var header in original.Headers)
            {
                capped.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = capped;
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public static DockerEngineException TooLarge(int maxBytes) => new($"the Docker engine sent an answer larger than {maxBytes} bytes");

    private static bool IsAttach(HttpRequestMessage request) =>
        request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/attach", StringComparison.Ordinal) == true;
}
