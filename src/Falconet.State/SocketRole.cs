namespace Falconet.State;

/// <summary>Who this process is on a socket.</summary>
public enum SocketRole : byte
{
    /// <summary>Not decided yet.</summary>
    None = 0,

    /// <summary>This process connected.</summary>
    Client,

    /// <summary>This process accepted or listens.</summary>
    Server,
}
