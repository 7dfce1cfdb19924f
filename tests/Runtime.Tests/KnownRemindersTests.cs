using OrleansHub.Runtime.Reminders;

namespace OrleansHub.Runtime.Tests;

public sealed class KnownRemindersTests
{
    [Fact]
    public void OnlyTheLastStartedOperationOnANameDecidesWhatIsKnown()
    {
        var known = new KnownReminders();
        Assert.Null(known.Exists("tick"));

        var register = known.Start("tick");
        var unregister = known.Start("tick");
        known.Finish("tick", register, exists: true);
        Assert.Null(known.Exists("tick")); // an overlapped, older operation is not trusted

        known.Finish("tick", unregister, exists: false);
        Assert.False(known.Exists("tick"));

        var again = known.Start("tick");
        Assert.Null(known.Exists("tick"));
        known.Finish("tick", again, exists: true);
        Assert.True(known.Exists("tick"));
        Assert.Null(known.Exists("other"));
    }
}
