namespace Falconet.Rules.Conditions;

/// <summary>
/// Rebuilds a condition tree bottom-up. Override the <c>Visit*</c> methods for the node kinds to change;
/// the defaults return the same instance when nothing below changed, so unchanged subtrees are shared.
/// </summary>
internal abstract class ConditionRewriter
{
    public virtual ConditionNode Visit(ConditionNode node) => node switch
    {
        AndNode and => VisitAnd(and),
        OrNode or => VisitOr(or),
        NotNode not => VisitNot(not),
        MacroRefNode macro => VisitMacroRef(macro),
        UnaryCheckNode unary => VisitUnaryCheck(unary),
        BinaryCheckNode binary => VisitBinaryCheck(binary),
        _ => throw new ArgumentException($"unknown condition node {node.GetType().Name}", nameof(node)),
    };

    public virtual ConditionNode VisitAnd(AndNode node)
    {
        IReadOnlyList<ConditionNode>? children = VisitChildren(node.Children);
        return children is null ? node : node with { Children = children };
    }

    public virtual ConditionNode VisitOr(OrNode node)
    {
        IReadOnlyList<ConditionNode>? children = VisitChildren(node.Children);
        return children is null ? node : node with { Children = children };
    }

    public virtual ConditionNode VisitNot(NotNode node)
    {
        ConditionNode operand = Visit(node.Operand);
        return ReferenceEquals(operand, node.Operand) ? node : node with { Operand = operand };
    }

    public virtual ConditionNode VisitMacroRef(MacroRefNode node) => node;

    public virtual ConditionNode VisitUnaryCheck(UnaryCheckNode node)
    {
        ExpressionNode field = VisitExpression(node.Field);
        return ReferenceEquals(field, node.Field) ? node : node with { Field = field };
    }

    public virtual ConditionNode VisitBinaryCheck(BinaryCheckNode node)
    {
        ExpressionNode left = VisitExpression(node.Left);
        ExpressionNode right = VisitRightOperand(node, node.Right);
        return ReferenceEquals(left, node.Left) && ReferenceEquals(right, node.Right) ? node : node with { Left = left, Right = right };
    }

    /// <summary>The right-hand side of a check; <paramref name="check"/> gives the operator context.</summary>
    public virtual ExpressionNode VisitRightOperand(BinaryCheckNode check, ExpressionNode right) => VisitExpression(right);

    public virtual ExpressionNode VisitExpression(ExpressionNode node) => node;

    private IReadOnlyList<ConditionNode>? VisitChildren(IReadOnlyList<ConditionNode> children)
    {
        List<ConditionNode>? changed = null;
        for (int i = 0; i < children.Count; i++)
        {
            ConditionNode child = Visit(children[i]);
            if (changed is null && !ReferenceEquals(child, children[i]))
            {
                changed = new List<ConditionNode>(children.Count);
                for (int j = 0; j < i; j++)
                {
                    changed.Add(children[j]);
                }
            }
            changed?.Add(child);
        }
        return changed;
    }

    /// <summary>
    /// Replaces every macro reference by what <paramref name="resolve"/> returns (typically the macro's own,
    /// already expanded, AST; the printer parenthesises it as Falco does). Return the node itself to keep it.
    /// </summary>
    public static ConditionNode SubstituteMacros(ConditionNode condition, Func<MacroRefNode, ConditionNode> resolve) =>
        new MacroSubstituter(resolve).Visit(condition);

    /// <summary>
    /// Expands list names on the right of <c>in</c>/<c>intersects</c>/<c>pmatch</c> and modifiers: an unquoted list item
    /// (or a bare list name as the whole right-hand side) for which <paramref name="lookup"/> returns items is replaced
    /// by those items. This is the AST form of Falco's textual list substitution, which ignores definition order.
    /// </summary>
    public static ConditionNode ExpandLists(ConditionNode condition, Func<string, IReadOnlyList<string>?> lookup) =>
        new ListExpander(lookup).Visit(condition);

    /// <summary>Every node of the tree, depth first, parents before children, left to right.</summary>
    public static IEnumerable<ConditionNode> Descendants(ConditionNode root)
    {
        var stack = new Stack<ConditionNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            ConditionNode node = stack.Pop();
            yield return node;
            switch (node)
            {
                case AndNode and:
                    for (int i = and.Children.Count - 1; i >= 0; i--)
                    {
                        stack.Push(and.Children[i]);
                    }
                    break;
                case OrNode or:
                    for (int i = or.Children.Count - 1; i >= 0; i--)
                    {
                        stack.Push(or.Children[i]);
                    }
                    break;
                case NotNode not:
                    stack.Push(not.Operand);
                    break;
            }
        }
    }

    /// <summary>Every field reference in an expression (including inside transformers and lists), left to right.</summary>
    /// <summary>
    /// Every check of a condition with the expressions it compares, in tree order: the field of an <c>exists</c> check,
    /// then both sides of a comparison, each with the check's operator text.
    /// </summary>
    public static IEnumerable<(string Operator, ExpressionNode Operand)> CheckOperands(ConditionNode condition)
    {
        foreach (ConditionNode node in Descendants(condition))
        {
            if (node is UnaryCheckNode unary)
            {
                yield return (UnaryCheckNode.ExistsOperator, unary.Field);
            }
            else if (node is BinaryCheckNode binary)
            {
                yield return (binary.OperatorText, binary.Left);
                yield return (binary.OperatorText, binary.Right);
            }
        }
    }

    public static IEnumerable<FieldRefNode> Fields(ExpressionNode expression)
    {
        switch (expression)
        {
            case FieldRefNode field:
                yield return field;
                break;
            case TransformerNode transformer:
                foreach (ExpressionNode argument in transformer.Arguments)
                {
                    foreach (FieldRefNode field in Fields(argument))
                    {
                        yield return field;
                    }
                }
                break;
            case ListValueNode list:
                foreach (ExpressionNode item in list.Items)
                {
                    foreach (FieldRefNode field in Fields(item))
                    {
                        yield return field;
                    }
                }
                break;
        }
    }

    private sealed class MacroSubstituter(Func<MacroRefNode, ConditionNode> resolve) : ConditionRewriter
    {
        public override ConditionNode VisitMacroRef(MacroRefNode node) => resolve(node);
    }

    private sealed class ListExpander(Func<string, IReadOnlyList<string>?> lookup) : ConditionRewriter
    {
        public override ExpressionNode VisitRightOperand(BinaryCheckNode check, ExpressionNode right)
        {
            bool listContext = ConditionParser.IsListOperator(check.Operator) || check.Modifier != ListModifier.None;
            if (!listContext)
            {
                return right;
            }
            if (right is ValueNode { WasQuoted: false } bare && lookup(bare.Value) is { } whole)
            {
                return new ListValueNode(whole.Select(v => (ExpressionNode)new ValueNode(v, false, bare.Position)).ToList(), bare.Position);
            }
            if (right is not ListValueNode list)
            {
                return right;
            }
            List<ExpressionNode>? items = null;
            for (int i = 0; i < list.Items.Count; i++)
            {
                ExpressionNode item = list.Items[i];
                if (item is ValueNode { WasQuoted: false } value && lookup(value.Value) is { } expansion)
                {
                    items ??= list.Items.Take(i).ToList();
                    items.AddRange(expansion.Select(v => (ExpressionNode)new ValueNode(v, false, value.Position)));
                }
                else
                {
                    items?.Add(item);
                }
            }
            return items is null ? right : list with { Items = items };
        }
    }
}
