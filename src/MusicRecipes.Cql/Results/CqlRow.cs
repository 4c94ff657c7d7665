using System.Globalization;
using System.Numerics;

namespace MusicRecipes.Cql;

/// <summary>
/// One result row. Values are decoded to .NET types: text → string, blob → byte[], bigint → long, int → int,
/// boolean → bool, uuid/timeuuid → Guid, timestamp → DateTimeOffset, double → double, varint → BigInteger,
/// list → List&lt;object?&gt;, set → HashSet&lt;object?&gt;, map → Dictionary&lt;object, object?&gt;.
/// </summary>
/// <example>
/// <code>
/// await foreach (var row in session.QueryAsync(new CqlQuery("SELECT key, value FROM ks.t"), ct))
/// {
///     var key = row.Get&lt;string&gt;("key");
///     var tags = row.GetList&lt;string&gt;("tags");
/// }
/// </code>
/// </example>
public sealed class CqlRow
{
    private readonly object?[] _values;
    private readonly IReadOnlyDictionary<string, int> _index;

    internal CqlRow(IReadOnlyList<CqlColumn> columns, IReadOnlyDictionary<string, int> index, object?[] values)
    {
        Columns = columns;
        _index = index;
        _values = values;
    }

    /// <summary>The columns, in select order.</summary>
    public IReadOnlyList<CqlColumn> Columns { get; }

    /// <summary>The decoded value of column <paramref name="index"/>, or null.</summary>
    public object? this[int index] => _values[index];

    /// <summary>The decoded value of the named column, or null.</summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    public object? this[string name] => _values[IndexOf(name)];

    /// <summary>Whether the column is null.</summary>
    public bool IsNull(string name) => this[name] is null;

    /// <summary>The value converted to <typeparamref name="T"/>; default when null. Numbers widen or narrow as needed.</summary>
    public T? Get<T>(string name) => Convert<T>(this[name]);

    /// <summary>The value of column <paramref name="index"/> converted to <typeparamref name="T"/>.</summary>
    public T? Get<T>(int index) => Convert<T>(_values[index]);

    /// <summary>A list or set column as a list; empty when null (Cassandra stores an empty collection as null).</summary>
    public IReadOnlyList<T> GetList<T>(string name) =>
        this[name] is System.Collections.IEnumerable items ? items.Cast<object?>().Select(Convert<T>).ToList()! : Array.Empty<T>();

    /// <summary>A set column; empty when null.</summary>
    public IReadOnlySet<T> GetSet<T>(string name) => new HashSet<T>(GetList<T>(name));

    /// <summary>A map column; empty when null.</summary>
    public IReadOnlyDictionary<TKey, TValue?> GetMap<TKey, TValue>(string name)
        where TKey : notnull
    {
        var result = new Dictionary<TKey, TValue?>();
        if (this[name] is Dictionary<object, object?> map)
        {
            foreach (var (key, value) in map)
            {
                result[Convert<TKey>(key)!] = Convert<TValue>(value);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(", ", Columns.Select((c, i) => $"{c.Name}: {_values[i] ?? "null"}")) + "}";

    private int IndexOf(string name) =>
        _index.TryGetValue(name, out var index) ? index : throw new KeyNotFoundException($"The result has no column '{name}'.");

    private static T? Convert<T>(object? value)
    {
        if (value is null)
        {
            return default;
        }

        if (value is T typed)
        {
            return typed;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (value is DateTimeOffset dto && target == typeof(DateTime))
        {
            return (T)(object)dto.UtcDateTime;
        }

        if (value is BigInteger big && target == typeof(long))
        {
            return (T)(object)(long)big;
        }

        return (T)System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }
}
