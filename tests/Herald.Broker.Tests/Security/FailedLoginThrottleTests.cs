using Herald.Broker.Security;
using Herald.Broker.Tests.Groups;

namespace Herald.Broker.Tests.Security;

public sealed class FailedLoginThrottleTests
{
    [Fact]
    public void Each_failure_from_an_address_doubles_the_delay_up_to_the_cap()
    {
        var throttle = new FailedLoginThrottle(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), new ManualTimeProvider());

        var delays = Enumerable.Range(0, 8).Select(_ => throttle.RecordFailure("10.0.0.1").TotalMilliseconds).ToList();

        Assert.Equal([100, 200, 400, 800, 1600, 3200, 5000, 5000], delays);
        Assert.Equal(100, throttle.RecordFailure("10.0.0.2").TotalMilliseconds);
    }

    [Fact]
    public void Failures_older_than_the_window_are_forgotten()
    {
        var time = new ManualTimeProvider();
        var throttle = new FailedLoginThrottle(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), time);
        throttle.RecordFailure("10.0.0.1");
        throttle.RecordFailure("10.0.0.1");

        time.Advance(FailedLoginThrottle.Window + TimeSpan.FromSeconds(1));

        Assert.Equal(100, throttle.RecordFailure("10.0.0.1").TotalMilliseconds);
    }
}
