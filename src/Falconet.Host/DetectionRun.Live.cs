namespace Falconet.Host;

public sealed partial class DetectionRun
{
    public int Live(int? durationSeconds, CancellationToken cancellation) =>
        throw new UserFacingException("live capture is not wired into the command yet; use -e CAPTURE");
}
