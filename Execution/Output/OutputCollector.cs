using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace OrleansHub.Execution.Output;

/// <summary>
/// Turns the raw bytes of a run's stdout and stderr into numbered <see cref="OutputLine"/>s, with
/// the total cap and the per-line cap applied. Output is untrusted: nothing here allocates by a
/// size the run controls, and bytes past the cap are dropped as they arrive.
/// </summary>
/// <remarks>
/// Every byte of a line counts toward the cap, its newline included. The cap is checked as bytes
/// arrive, so a line that crosses it is delivered up to the cap; after that one notice line on
/// stderr says the output was truncated, and everything else is discarded. Notices are not
/// counted. Writers may call from several tasks (the local executor reads both pipes at once):
/// a gate keeps sequence numbers in channel order.
/// </remarks>
internal sealed class OutputCollector
{
    public const string NoticePrefix = "[orleanshub] ";

    private static readonly OutputStream[] BothStreams = [OutputStream.Stdout, OutputStream.Stderr];

    private readonly Channel<OutputLine> _channel;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LineBuffer _stdout;
    private readonly LineBuffer _stderr;
    private readonly long _capBytes;
    private readonly int _maxLineBytes;
    private readonly TimeProvider _clock;
    private long _seq;
    private long _bytes;
    private volatile bool _truncated;

    public OutputCollector(long capBytes, int maxLineBytes, int bufferLines, TimeProvider clock)
    {
        _capBytes = capBytes;
        _maxLineBytes = maxLineBytes;
        _clock = clock;
        _stdout = new LineBuffer(maxLineBytes);
        _stderr = new LineBuffer(maxLineBytes);
        _channel = Channel.CreateBounded<OutputLine>(new BoundedChannelOptions(bufferLines)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
            SingleReader = false,
        });
    }

    public ChannelReader<OutputLine> Reader => _channel.Reader;

    /// <summary>True once the cap was reached; later bytes are discarded, so readers may just drain.</summary>
    public bool Truncated => _truncated;

    /// <summary>Bytes accepted so far (never more than the cap).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Marks the output as incomplete without a notice (lines were lost, not capped).</summary>
    public void MarkIncomplete() => _truncated = true;

    public async ValueTask WriteAsync(OutputStream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_truncated || data.IsEmpty)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var line = Buffer(stream);
            while (!data.IsEmpty && !_truncated)
            {
                var room = _capBytes - _bytes;
                if (room <= 0)
                {
                    await TruncateAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }

                var window = data.Length <= room ? data : data[..(int)room];
                var newline = window.Span.IndexOf((byte)'\n');
                var part = newline >= 0 ? window[..newline] : window;
                await AppendAsync(stream, line, part, cancellationToken).ConfigureAwait(false);
                if (newline >= 0)
                {
                    await EmitAsync(stream, line, line.Length, cancellationToken).ConfigureAwait(false);
                    Interlocked.Add(ref _bytes, newline + 1);
                    data = data[(newline + 1)..];
                }
                else
                {
                    Interlocked.Add(ref _bytes, part.Length);
                    data = data[part.Length..];
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Delivers the unterminated last line of a stream, if any (the stream ended).</summary>
    public async ValueTask FlushAsync(OutputStream stream, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var line = Buffer(stream);
            if (line.Length > 0)
            {
                await EmitAsync(stream, line, line.Length, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A line from the executor itself (stderr, prefixed, not counted toward the cap).</summary>
    public async ValueTask NoticeAsync(string text, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteLineAsync(OutputStream.Stderr, NoticePrefix + text, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Complete() => _channel.Writer.TryComplete();

    private LineBuffer Buffer(OutputStream stream) => stream == OutputStream.Stdout ? _stdout : _stderr;

    // Appends bytes without a newline; a line that reaches the per-line cap is delivered in pieces.
    private async ValueTask AppendAsync(OutputStream stream, LineBuffer line, ReadOnlyMemory<byte> part, CancellationToken cancellationToken)
    {
        while (!part.IsEmpty)
        {
            if (line.Length == _maxLineBytes)
            {
                await EmitAsync(stream, line, Utf8.SafeCut(line.Span), cancellationToken).ConfigureAwait(false);
            }

            var take = Math.Min(_maxLineBytes - line.Length, part.Length);
            line.Append(part.Span[..take]);
            part = part[take..];
        }
    }

    private async ValueTask EmitAsync(OutputStream stream, LineBuffer line, int count, CancellationToken cancellationToken)
    {
        var text = Utf8.ToLineText(line.Span[..count]);
        line.RemoveFirst(count);
        await WriteLineAsync(stream, text, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask TruncateAsync(CancellationToken cancellationToken)
    {
        _truncated = true;
        foreach (var stream in BothStreams)
        {
            var line = Buffer(stream);
            if (line.Length > 0)
            {
                await EmitAsync(stream, line, line.Length, cancellationToken).ConfigureAwait(false);
            }
        }

        var notice = string.Create(CultureInfo.InvariantCulture, $"{NoticePrefix}output truncated: the limit of {_capBytes} bytes was reached and the rest was discarded");
        await WriteLineAsync(OutputStream.Stderr, notice, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteLineAsync(OutputStream stream, string text, CancellationToken cancellationToken)
    {
        var line = new OutputLine(++_seq, stream, text, _clock.GetUtcNow());
        try
        {
            await _channel.Writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // Completed by the run after it gave up on a stuck reader; the line has nowhere to go.
        }
    }

    /// <summary>The unterminated tail of one stream, at most the per-line cap.</summary>
    private sealed class LineBuffer(int capacity)
    {
        private readonly byte[] _bytes = new byte[capacity];

        public int Length { get; private set; }

        public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

        public void Append(ReadOnlySpan<byte> data)
        {
            data.CopyTo(_bytes.AsSpan(Length));
            Length += data.Length;
        }

        public void RemoveFirst(int count)
        {
            _bytes.AsSpan(count, Length - count).CopyTo(_bytes);
            Length -= count;
        }
    }

    private static class Utf8
    {
        private static readonly Encoding Lenient = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

        // Where to split a full line so that a multi-byte character is not cut in two: before the
        // last character when that one is incomplete (unless it is all there is).
        public static int SafeCut(ReadOnlySpan<byte> bytes)
        {
            for (var i = bytes.Length - 1; i >= Math.Max(0, bytes.Length - 4); i--)
            {
                var b = bytes[i];
                if ((b & 0xC0) == 0x80)
                {
                    continue;
                }

                var width = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return i + width > bytes.Length && i > 0 ? i : bytes.Length;
            }

            return bytes.Length;
        }

        // Invalid UTF-8 becomes U+FFFD; NUL does too, because PostgreSQL text cannot hold it.
        public static string ToLineText(ReadOnlySpan<byte> bytes)
        {
            if (!bytes.IsEmpty && bytes[^1] == (byte)'\r')
            {
                bytes = bytes[..^1];
            }

            var text = Lenient.GetString(bytes);
            return text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;
        }
    }
}
