using System.Text;

namespace OrleansHub.Api.Tests.Infrastructure;

/// <summary>
/// Everything written to the process's standard output from the moment of the first
/// <see cref="Start"/>: the silo logs through Serilog's console sink, which looks up
/// <see cref="Console.Out"/> on every event, so this sees exactly the lines an operator would.
/// Output still reaches the real console. Process-wide and never removed: test classes running in
/// parallel write here too, so a test looks for its own markers (request ids, unique secrets).
/// </summary>
public static class ConsoleCapture
{
    private static readonly Lock Gate = new();
    private static TeeWriter? _writer;

    public static void Start()
    {
        lock (Gate)
        {
            if (_writer is null)
            {
                _writer = new TeeWriter(Console.Out);
                Console.SetOut(_writer);
            }
        }
    }

    /// <summary>All captured text so far.</summary>
    public static string Text => Writer.Snapshot();

    /// <summary>Completes when a captured line contains every one of <paramref name="markers"/>; fails after <paramref name="timeout"/>.</summary>
    public static Task<string> WaitForLineAsync(TimeSpan timeout, params string[] markers) => Writer.WaitForLineAsync(markers, timeout);

    private static TeeWriter Writer => _writer ?? throw new InvalidOperationException("ConsoleCapture.Start() was not called.");

    private sealed class TeeWriter(TextWriter inner) : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly List<(string[] Markers, TaskCompletionSource<string> Found)> _waiters = [];

        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => Append(value.ToString());

        public override void Write(string? value) => Append(value);

        public override void Write(char[] buffer, int index, int count) => Append(new string(buffer, index, count));

        public override void WriteLine(string? value) => Append(value + NewLine);

        public override void Flush() => inner.Flush();

        public string Snapshot()
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }

        public async Task<string> WaitForLineAsync(string[] markers, TimeSpan timeout)
        {
            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_text)
            {
                if (FindLine(_text.ToString(), markers) is { } line)
                {
                    return line;
                }

                _waiters.Add((markers, found));
            }

            return await found.Task.WaitAsync(timeout);
        }

        private void Append(string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            inner.Write(value);
            lock (_text)
            {
                _text.Append(value);
                if (_waiters.Count == 0 || !value.Contains('\n', StringComparison.Ordinal))
                {
                    return;
                }

                // Only complete lines are matched.
                var text = _text.ToString();
                var lastNewLine = text.LastIndexOf('\n');
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (FindLine(text[..(lastNewLine + 1)], _waiters[i].Markers) is { } line)
                    {
                        _waiters[i].Found.TrySetResult(line);
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }

        private static string? FindLine(string text, string[] markers)
        {
            var from = 0;
            while (text.IndexOf(markers[0], from, StringComparison.Ordinal) is var at and >= 0)
            {
                var start = text.LastIndexOf('\n', at) + 1;
                var end = text.IndexOf('\n', at);
                if (end < 0)
                {
                    return null;
                }

                var line = text[start..end];
                if (markers.All(marker => line.Contains(marker, StringComparison.Ordinal)))
                {
                    return line;
                }

                from = end;
            }

            return null;
        }
    }
}
