namespace Falconet.Rules.Loading;

/// <summary>Items by name in definition order; a redefinition replaces the item in place.</summary>
internal sealed class IndexedItems<T> where T : class
{
    private readonly List<T> _items = [];
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);

    public int Count => _items.Count;
    public IReadOnlyList<T> Items => _items;

    public T? Find(string name) => _byName.TryGetValue(name, out int i) ? _items[i] : null;

    internal void Set(string name, T item)
    {
        if (_byName.TryGetValue(name, out int i))
        {
            _items[i] = item;
        }
        else
        {
            _byName.Add(name, _items.Count);
            _items.Add(item);
        }
    }
}
