using System.Collections;
using System.Reflection;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Protocol.Tests;

/// <summary>Every generated message, in every version it defines, reads back what it wrote.</summary>
public sealed class RoundTripTests
{
    public static IEnumerable<object[]> AllMessagesAndVersions()
    {
        foreach (var type in typeof(IKafkaMessage).Assembly.GetTypes()
                     .Where(t => t.IsClass && !t.IsNested && typeof(IKafkaMessage).IsAssignableFrom(t)))
        {
            short low = (short)type.GetField("LowestVersion")!.GetValue(null)!;
            short high = (short)type.GetField("HighestVersion")!.GetValue(null)!;
            for (short v = low; v <= high; v++)
            {
                yield return [type.Name, v];
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllMessagesAndVersions))]
    public void Write_then_read_then_write_gives_the_same_bytes(string messageName, short version)
    {
        var type = typeof(IKafkaMessage).Assembly.GetTypes().Single(t => t.Name == messageName && !t.IsNested);
        var message = (IKafkaMessage)Activator.CreateInstance(type)!;
        var seed = Seed(messageName, version);
        Fill(message, new Random(seed), depth: 0);

        var first = Encode(message, version);
        var copy = (IKafkaMessage)Activator.CreateInstance(type)!;
        var reader = new KafkaReader(first);
        copy.Read(ref reader, version);
        Assert.True(reader.Remaining == 0, $"seed {seed}: {reader.Remaining} of {first.Length} bytes left unread");
        var second = Encode(copy, version);
        Assert.True(first.AsSpan().SequenceEqual(second), $"seed {seed}: wrote\n{Convert.ToHexString(first)}\nread back and wrote\n{Convert.ToHexString(second)}");
    }

    /// <summary>
    /// The random values' seed: a function of the test case alone (FNV-1a of the name, then the version), so a failure
    /// reproduces in every run. <see cref="string.GetHashCode()"/> is randomised per process and cannot be used.
    /// </summary>
    internal static int Seed(string messageName, short version)
    {
        var hash = 2166136261;
        foreach (var c in messageName)
        {
            hash = (hash ^ c) * 16777619;
        }

        return unchecked((int)((hash ^ (uint)version) * 16777619));
    }

    private static byte[] Encode(IKafkaMessage message, short version)
    {
        using var writer = new KafkaWriter();
        message.Write(writer, version);
        return writer.WrittenSpan.ToArray();
    }

    private static void Fill(object target, Random random, int depth)
    {
        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object? value = RandomValue(type, random, depth);
            if (value is not null)
            {
                property.SetValue(target, value);
            }
        }
    }

    private static object? RandomValue(Type type, Random random, int depth)
    {
        if (type == typeof(bool)) return random.Next(2) == 1;
        if (type == typeof(sbyte)) return (sbyte)random.Next(-5, 100);
        if (type == typeof(short)) return (short)random.Next(-5, 30000);
        if (type == typeof(ushort)) return (ushort)random.Next(0, 60000);
        if (type == typeof(int)) return random.Next(-5, int.MaxValue);
        if (type == typeof(uint)) return (uint)random.Next();
        if (type == typeof(long)) return random.NextInt64(-5, long.MaxValue);
        if (type == typeof(double)) return random.NextDouble();
        if (type == typeof(string)) return "s" + random.Next(1000) + "é";
        if (type == typeof(Guid)) return new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray());
        if (type == typeof(byte[])) return Enumerable.Range(0, random.Next(0, 8)).Select(i => (byte)i).ToArray();
        if (type == typeof(ReadOnlyMemory<byte>)) return new ReadOnlyMemory<byte>([1, 2, 3, 4]);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(type)!;
            if (depth < 6)
            {
                for (int i = 0; i < random.Next(1, 3); i++)
                {
                    list.Add(RandomValue(element, random, depth + 1));
                }
            }

            return list;
        }

        if (type.IsClass && type.GetMethod("Write") is not null)
        {
            var nested = Activator.CreateInstance(type)!;
            if (depth < 6)
            {
                Fill(nested, random, depth + 1);
            }

            return nested;
        }

        return null;
    }
}
