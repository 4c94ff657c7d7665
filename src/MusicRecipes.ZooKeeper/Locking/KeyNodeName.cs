using System.Text;

namespace MusicRecipes.ZooKeeper;

/// <summary>
/// Turns a MUSIC key (any string, '/' included) into one valid znode name: "k-" followed by the key's UTF-8 bytes,
/// where letters, digits, '_', '.' and '-' stay and every other byte becomes %XX. The mapping is injective, and the
/// prefix keeps names like "." or ".." (which ZooKeeper rejects) out.
/// </summary>
internal static class KeyNodeName
{
    public static string Encode(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var name = new StringBuilder(bytes.Length + 2).Append("k-");
        foreach (var b in bytes)
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'.' or (byte)'-')
            {
                name.Append((char)b);
            }
            else
            {
                name.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return name.ToString();
    }
}
