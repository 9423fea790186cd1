namespace Falconet.Learn;

/// <summary>What a learned destination is allowed for.</summary>
public enum LearnScope
{
    /// <summary>Everyone: entries appended to the three <c>allowed_outbound_destination_*</c> lists.</summary>
    Host,

    /// <summary>The container (by <c>container.name</c>) that made the connection: exceptions on the flagship rule.</summary>
    Container,

    /// <summary>The image (<c>container.image.repository</c>) that made the connection: exceptions on the flagship rule.</summary>
    Image,

    /// <summary>The process name within its image (or on the host): exceptions on the flagship rule.</summary>
    Process,
}
