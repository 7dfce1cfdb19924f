using System.Buffers;
using System.Buffers.Binary;
using OrleansHub.Execution.Output;

namespace OrleansHub.Execution.Docker;

/// <summary>
/// Reads Docker's multiplexed stream (a container without a TTY): frames of an 8-byte header
/// <c>[stream, 0, 0, 0, size (big-endian uint32)]</c> followed by <c>size</c> bytes of payload.
/// The size is the engine's word, so payloads are copied through a fixed buffer, never allocated
/// by it; once the collector has hit its cap the payload is read and dropped, which keeps the
/// container from blocking on a full pipe.
/// </summary>
internal static class DockerStreamDemultiplexer
{
    private const int BufferBytes = 16 * 1024;

    /// <summary>Pumps until the stream ends. Throws <see cref="InvalidDataException"/> on a malformed header.</summary>
    public static async Task PumpAsync(Stream stream, OutputCollector output, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            while (await ReadHeaderAsync(stream, header, cancellationToken).ConfigureAwait(false))
            {
                var target = header[0] switch
                {
                    1 => OutputStream.Stdout,
                    2 or 3 => OutputStream.Stderr, // 3 is the engine's own error stream
                    _ => throw new InvalidDataException("unknown stream type " + header[0]),
                };
                if (header[1] != 0 || header[2] != 0 || header[3] != 0)
                {
                    throw new InvalidDataException("malformed frame header");
                }

                long remaining = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
                while (remaining > 0)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(remaining, BufferBytes)), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        // Cut off mid-frame (the container was killed): what arrived is kept.
                        break;
                    }

                    remaining -= read;
                    await output.WriteAsync(target, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await output.FlushAsync(OutputStream.Stdout, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(OutputStream.Stderr, cancellationToken).ConfigureAwait(false);
    }

    // False at a clean end of stream; a partial header at the end is treated as the end too.
    private static async Task<bool> ReadHeaderAsync(Stream stream, byte[] header, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < header.Length)
        {
            var read = await stream.ReadAsync(header.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            filled += read;
        }

        return true;
    }
}
