namespace OrleansHub.Execution;

/// <summary>Which stream of the run a line came from.</summary>
public enum OutputStream
{
    Stdout,
    Stderr,
}

/// <summary>
/// One line of a run's output. <see cref="Seq"/> starts at 1 and increases by one per line across
/// both streams, in the order the executor read them. Lines never contain the newline, NUL or a
/// trailing carriage return, and are at most <c>Execution:MaxLineBytes</c> UTF-8 bytes (longer
/// lines are split); invalid UTF-8 is replaced with U+FFFD.
/// </summary>
public sealed record OutputLine(long Seq, OutputStream Stream, string Text, DateTimeOffset Timestamp);
