namespace Falconet.Fields;

/// <summary>A field argument that the field does not accept; the message is shown to the user.</summary>
/// <param name="message">What is wrong with the argument, in the user's terms.</param>
public sealed class FieldArgumentException(string message) : Exception(message);
