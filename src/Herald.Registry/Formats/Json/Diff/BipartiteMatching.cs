namespace Herald.Registry.Formats.Json.Diff;

/// <summary>Maximum-cardinality matching in a bipartite graph by augmenting paths (Kuhn); subschema lists are small.</summary>
internal static class BipartiteMatching
{
    public static List<(int Left, int Right)> Maximum(int leftCount, int rightCount, Func<int, int, bool> hasEdge)
    {
        var matchOfRight = new int[rightCount];
        Array.Fill(matchOfRight, -1);
        for (var left = 0; left < leftCount; left++)
        {
            TryAugment(left, new bool[rightCount], matchOfRight, hasEdge);
        }

        var result = new List<(int, int)>();
        for (var right = 0; right < rightCount; right++)
        {
            if (matchOfRight[right] >= 0)
            {
                result.Add((matchOfRight[right], right));
            }
        }

        return result.OrderBy(pair => pair.Item1).ToList();
    }

    private static bool TryAugment(int left, bool[] visited, int[] matchOfRight, Func<int, int, bool> hasEdge)
    {
        for (var right = 0; right < matchOfRight.Length; right++)
        {
            if (visited[right] || !hasEdge(left, right))
            {
                continue;
            }

            visited[right] = true;
            if (matchOfRight[right] < 0 || TryAugment(matchOfRight[right], visited, matchOfRight, hasEdge))
            {
                matchOfRight[right] = left;
                return true;
            }
        }

        return false;
    }
}
