using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Herald.Cdc.Model;

namespace Herald.Cdc.BusinessEvents;

/// <summary>
/// Event ids derived from where a change sits in the database's log, so the same change always yields the same id:
/// a redelivered change (connector restart, replayed WAL) is then de-duplicated by Herald's consumer inbox.
/// </summary>
/// <remarks>
/// The id is an RFC 9562 UUIDv5 (SHA-1, name-based) in <see cref="Namespace"/> over
/// <c>db</c>, <c>lsn</c>, <c>schema.table</c>, the key's JSON and the rule name. The key is part of the name because
/// several rows of one statement can share an LSN (snapshot reads always do), and the rule name because one change can
/// be several facts.
/// </remarks>
public static class DeterministicEventId
{
    /// <summary>The UUID namespace of Herald CDC business events.</summary>
    public static readonly Guid Namespace = new("6f1c2a4e-9b0d-4c57-8f3e-2d5a7b9c1e08");

    /// <summary>The event id for <paramref name="ruleName"/> firing on <paramref name="change"/>.</summary>
    /// <param name="change">The change; its <c>source.db</c>, <c>source.lsn</c>, table and key are used.</param>
    /// <param name="ruleName">The rule's stable name.</param>
    public static Guid For(ChangeEvent change, string ruleName)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(ruleName);
        var name = string.Join(
            '\n',
            change.Source.Database,
            change.Source.Lsn.ToString(CultureInfo.InvariantCulture),
            change.Table.QualifiedName,
            change.Key?.ToJsonString() ?? "null",
            ruleName);
        return NameBased(Namespace, name);
    }

    /// <summary>An RFC 9562 version-5 UUID of <paramref name="name"/> in <paramref name="namespaceId"/>.</summary>
    /// <param name="namespaceId">The namespace.</param>
    /// <param name="name">The name, hashed as UTF-8.</param>
    public static Guid NameBased(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        var uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50);
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80);
        return new Guid(uuid, bigEndian: true);
    }

    /// <summary>A correlation id shared by every fact of one database transaction (<c>db</c> + <c>txId</c>), or null without a txId.</summary>
    /// <param name="change">The change.</param>
    public static Guid? TransactionCorrelation(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Source.TransactionId is not { } txId)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, txId);
        return NameBased(Namespace, "tx\n" + change.Source.Database + "\n" + Convert.ToHexString(buffer));
    }
}
