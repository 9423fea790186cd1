namespace Falconet.Host;

/// <summary>An error caused by the user's input; shown as one line, never with a stack trace.</summary>
public sealed class UserFacingException(string message) : Exception(message);
