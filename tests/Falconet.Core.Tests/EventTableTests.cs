using Falconet.Core.Events;

namespace Falconet.Core.Tests;

public sealed class EventTableTests
{
    [Fact]
    public void HasAllEventTypesOfLibsHead()
    {
        Assert.Equal(454, EventTable.All.Count);
        for (int i = 0; i < EventTable.All.Count; i++)
        {
            Assert.Equal(i, EventTable.All[i].Id);
        }
    }

    [Theory]
    [InlineData(23, "connect", false, 4)]
    [InlineData(22, "connect", true, 2)]
    [InlineData(293, "execve", false, 31)]
    [InlineData(324, "container", true, 1)]
    public void DescribesKnownTypes(int id, string name, bool enter, int nparams)
    {
        EventInfo info = EventTable.Get(id);
        Assert.Equal(name, info.Name);
        Assert.Equal(enter, info.IsEnter);
        Assert.Equal(nparams, info.Parameters.Count);
    }

    [Theory]
    [InlineData(13, 293)]
    [InlineData(27, 247)]
    [InlineData(103, 307)]
    [InlineData(293, 293)]
    public void MapsOldLayoutsToTheCurrentOne(int old, int current)
    {
        Assert.Equal(current, EventTable.CurrentId(old));
    }

    [Fact]
    public void LargePayloadTypesUse32BitLengths()
    {
        Assert.True(EventTable.Get(322).IsLargePayload);
        Assert.True(EventTable.Get(324).IsLargePayload);
        Assert.True(EventTable.Get(402).IsLargePayload);
        Assert.False(EventTable.Get(23).IsLargePayload);
    }
}
