using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace MusicRecipes.Recipes.DistributedLock;

/// <summary>
/// Maps any lock name to a valid MUSIC key under <see cref="Prefix"/>, one-to-one in practice. A name that is a valid key
/// as it stands (non-empty, short enough, no control characters, no lone surrogates, no '~') is kept as it is, so keys
/// stay readable in the stores: <c>"stock:apples"</c> → <c>music/lock/stock:apples</c>. Every other name — empty, too
/// long, or holding such characters — becomes <c>music/lock/~{readable part}~{SHA-256 of its UTF-16 code units}</c>;
/// kept names never contain '~' after the prefix, so the two forms never meet. Names are case-sensitive and compared
/// ordinally, as DistributedLock's providers compare them.
/// </summary>
internal static class DistributedLockKeys
{
    public const string Prefix = "music/lock/";

    /// <summary>The prefix of reader-writer locks: a lock and a reader-writer lock of one name are two resources, as in DistributedLock.</summary>
    public const string ReaderWriterPrefix = "music/rwlock/";

    /// <summary>The prefix of semaphores.</summary>
    public const string SemaphorePrefix = "music/semaphore/";
    private const char Marker = '~';
    private const int ReadableLength = 48;

    public static string ForName(string name) => ForName(Prefix, name);

    /// <summary>The key of <paramref name="name"/> under <paramref name="prefix"/> (one of this class's prefixes).</summary>
    public static string ForName(string prefix, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsKeptAsIs(prefix, name) ? prefix + name : $"{prefix}{Marker}{Readable(name)}{Marker}{Hash(name)}";
    }

    private static bool IsKeptAsIs(string prefix, string name)
    {
        if (name.Length == 0 || prefix.Length + name.Length > MusicKey.MaxLength)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == Marker || char.IsControl(c) || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= name.Length || !char.IsLowSurrogate(name[i + 1]))
                {
                    return false;
                }

                i++; // a well-formed pair
            }
        }

        return true;
    }

    /// <summary>The start of the name with every character a key must not hold (or that is ambiguous in UTF-8) as '_'.</summary>
    private static string Readable(string name)
    {
        var readable = new StringBuilder(Math.Min(name.Length, ReadableLength));
        for (var i = 0; i < name.Length && readable.Length < ReadableLength; i++)
        {
            var c = name[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]);
            if (pair && readable.Length + 2 <= ReadableLength)
            {
                readable.Append(c).Append(name[++i]);
            }
            else
            {
                readable.Append(pair || c == Marker || char.IsControl(c) || char.IsSurrogate(c) ? '_' : c);
                i += pair ? 1 : 0;
            }
        }

        return readable.ToString();
    }

    /// <summary>Hashes the UTF-16 code units themselves: UTF-8 would map every lone surrogate to U+FFFD and merge names.</summary>
    private static string Hash(string name) =>
        Base64Url.EncodeToString(SHA256.HashData(MemoryMarshal.AsBytes(name.AsSpan())));
}
