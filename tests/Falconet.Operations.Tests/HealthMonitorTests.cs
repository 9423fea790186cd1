namespace Falconet.Operations.Tests;

/// <summary>The health verdict: starting, beating, stalled, dropping, failed, finished.</summary>
public sealed class HealthMonitorTests
{
    [Fact]
    public void StartsUnhealthyThenHealthyWhileTheLoopBeats()
    {
        var health = new HealthMonitor(TimeSpan.FromMinutes(10), 0.1);
        Assert.Equal("starting", health.Report().Status);
        Assert.False(health.Report().Healthy);
        health.Beat();
        Assert.Equal(new HealthReport(true, "ok", null), health.Report());
    }

    [Fact]
    public void AStalledLoopIsUnhealthyAndRecoversWithTheNextBeat()
    {
        var health = new HealthMonitor(TimeSpan.FromMilliseconds(50), 0.1);
        health.Beat();
        Thread.Sleep(300);
        HealthReport stalled = health.Report();
        Assert.False(stalled.Healthy);
        Assert.Equal("stalled", stalled.Status);
        health.Beat();
        Assert.True(health.Report().Healthy);
    }

    [Fact]
    public void DropsAboveTheRatioAreUnhealthyUntilTheyFall()
    {
        var health = new HealthMonitor(TimeSpan.FromMinutes(10), 0.1);
        health.Beat();
        health.ReportDrops(dropped: 10, produced: 100);
        Assert.True(health.Report().Healthy); // 0.1 is not above 0.1
        health.ReportDrops(dropped: 11, produced: 100);
        HealthReport dropping = health.Report();
        Assert.Equal("dropping", dropping.Status);
        Assert.Contains("0.11", dropping.Reason, StringComparison.Ordinal);
        health.ReportDrops(dropped: 0, produced: 100);
        Assert.True(health.Report().Healthy);
    }

    [Fact]
    public void AFailureIsFinalAndAFinishedSourceIsNotAStall()
    {
        var finished = new HealthMonitor(TimeSpan.FromMilliseconds(50), 0.1);
        finished.Beat();
        finished.Finish();
        Thread.Sleep(200);
        Assert.True(finished.Report().Healthy);

        var failed = new HealthMonitor(TimeSpan.FromMinutes(10), 0.1);
        failed.Beat();
        failed.Fail("ring buffer gone");
        failed.Beat();
        failed.Finish();
        Assert.Equal(new HealthReport(false, "failed", "ring buffer gone"), failed.Report());
    }
}
