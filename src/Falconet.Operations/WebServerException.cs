namespace Falconet.Operations;

/// <summary>The web server cannot start: a bad address, a port in use, an unreadable certificate.</summary>
public sealed class WebServerException(string message) : Exception(message);
