using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>
/// A transformer over its arguments in order (<c>concat</c>, a parenthesised list): each argument's value is taken
/// as it comes, and the result is absent as soon as one argument is absent or not taken.
/// </summary>
internal abstract class EachArgumentExtractor(FieldExtractor[] arguments) : FieldExtractor(TransformerField.Descriptor)
{
    public override ParamType Type => ParamType.Charbuf;

    public sealed override bool TryExtract(EventContext context, ref FieldValue value)
    {
        Begin();
        foreach (FieldExtractor argument in arguments)
        {
            FieldValue one = default;
            if (!argument.TryExtract(context, ref one) || !Take(in one))
            {
                return false;
            }
        }
        Complete(ref value);
        return true;
    }

    /// <summary>Forgets the previous event's result.</summary>
    protected abstract void Begin();

    /// <summary>Takes one argument's value; false makes the result absent.</summary>
    protected abstract bool Take(in FieldValue one);

    /// <summary>Sets the result once every argument was taken.</summary>
    protected abstract void Complete(ref FieldValue value);
}
