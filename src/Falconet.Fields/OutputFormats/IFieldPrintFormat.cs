namespace Falconet.Fields.OutputFormats;

/// <summary>Implemented by extractors whose print format is not their descriptor's (e.g. <c>evt.rawarg</c> takes the parameter's).</summary>
public interface IFieldPrintFormat
{
    /// <summary>The print format of this extractor's integer values.</summary>
    Core.Events.ParamFormat PrintFormat { get; }
}
