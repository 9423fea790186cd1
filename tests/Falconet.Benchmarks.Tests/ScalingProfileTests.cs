using Falconet.Benchmarks;

namespace Falconet.Benchmarks.Tests;

/// <summary>
/// The scaling command runs every curve of docs/performance.md at small sizes: each point fills its table and checks
/// that every lookup finds what was stored and no in-list rule matches (it throws otherwise). Nothing here asserts a time.
/// </summary>
public sealed class ScalingProfileTests
{
    [Fact]
    public void Every_curve_runs_and_prints_one_row_per_dimension_and_size()
    {
        using var output = new StringWriter();
        IReadOnlyList<ScalingRow> rows = ScalingProfile.Run(output, small: true);

        string[] dimensions =
        [
            "threads: store (fill the table)", "threads: find a random tid", "threads: thread count of a pid",
            "in list: proc.name, miss", "in list: fd.sip, miss", "in list: load + compile (ns/item)",
            "observed DNS: answer (fill)", "observed DNS: name of an address",
        ];
        foreach (string d in dimensions)
        {
            Assert.Equal(2, rows.Count(r => r.Dimension == d));
        }
        Assert.Equal(dimensions.Length * 2, rows.Count);
        Assert.All(rows, r => Assert.True(r.MinNs > 0 && r.MedianNs >= r.MinNs, r.ToString()));
        Assert.All(rows.Where(r => r.BytesPerEntry is not null), r => Assert.InRange(r.BytesPerEntry!.Value, 16, 100_000));
        Assert.Equal(rows.Count + 1, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
