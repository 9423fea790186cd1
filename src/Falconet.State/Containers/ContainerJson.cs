using System.Text.Json;

namespace Falconet.State.Containers;

/// <summary>
/// Reads the container JSON that capture files carry in container events (<c>CONTAINER_JSON_E</c>,
/// <c>CONTAINER_JSON_2_E</c>) and that the container plugin's async events carry:
/// <c>{"container": {"id": ..., "full_id": ..., "name": ..., "image": ..., "imagerepo": ..., "type": 0, "Mounts": [...], "labels": {...}, ...}}</c>.
/// Absent or null keys take the plugin's defaults ("" / false / 0); a key of the wrong JSON type is an error.
/// </summary>
public static class ContainerJson
{
    /// <summary>Reads one container record from its JSON text; throws <see cref="ContainerMetadataException"/> when it is not one.</summary>
    public static ContainerInfo Parse(ReadOnlySpan<byte> utf8)
    {
        // Writers NUL-terminate the string parameter; some also pad.
        int nul = utf8.IndexOf((byte)0);
        if (nul >= 0)
        {
            utf8 = utf8[..nul];
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray());
        }
        catch (JsonException e)
        {
            throw new ContainerMetadataException(
                $"container JSON is not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1} of the line): {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("container", out JsonElement c) || c.ValueKind != JsonValueKind.Object)
            {
                throw new ContainerMetadataException("container JSON has no \"container\" object at its top level");
            }
            try
            {
                return Build(c);
            }
            catch (InvalidOperationException e)
            {
                // System.Text.Json validates UTF-8 inside strings only when they are read (found by fuzzing).
                throw new ContainerMetadataException("container JSON has a string that is not valid UTF-8", e);
            }
        }
    }

    private static ContainerInfo Build(JsonElement c) =>
            new()
            {
                Id = String(c, "id"),
                FullId = String(c, "full_id"),
                Type = TypeOf(Int(c, "type", (long)ContainerType.Unknown)),
                Name = String(c, "name"),
                Image = String(c, "image"),
                ImageId = String(c, "imageid"),
                ImageRepository = String(c, "imagerepo"),
                ImageTag = String(c, "imagetag"),
                ImageDigest = String(c, "imagedigest"),
                Ip = String(c, "ip"),
                CniJson = String(c, "cni_json"),
                User = String(c, "User"),
                Privileged = Bool(c, "privileged"),
                HostPid = Bool(c, "host_pid"),
                HostNetwork = Bool(c, "host_network"),
                HostIpc = Bool(c, "host_ipc"),
                IsPodSandbox = Bool(c, "is_pod_sandbox"),
                PodSandboxId = String(c, "pod_sandbox_id"),
                CreatedTime = Int(c, "created_time", 0),
                Mounts = Mounts(c),
                Labels = StringMap(c, "labels"),
                PodSandboxLabels = StringMap(c, "pod_sandbox_labels"),
            };

    private static ContainerType TypeOf(long n) => n is >= 0 and <= ushort.MaxValue ? (ContainerType)(ushort)n : ContainerType.Unknown;

    private static bool TryGet(JsonElement container, string key, out JsonElement value) =>
        container.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    private static string String(JsonElement container, string key)
    {
        if (!TryGet(container, key, out JsonElement value))
        {
            return "";
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw WrongType(key, "a string", value);
    }

    private static bool Bool(JsonElement container, string key)
    {
        if (!TryGet(container, key, out JsonElement value))
        {
            return false;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(key, "true or false", value),
        };
    }

    private static long Int(JsonElement container, string key, long fallback)
    {
        if (!TryGet(container, key, out JsonElement value))
        {
            return fallback;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) ? n : throw WrongType(key, "an integer", value);
    }

    private static IReadOnlyDictionary<string, string> StringMap(JsonElement container, string key)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!TryGet(container, key, out JsonElement value))
        {
            return map;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(key, "an object", value);
        }
        foreach (JsonProperty p in value.EnumerateObject())
        {
            map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw WrongType($"{key}.{p.Name}", "a string", p.Value);
        }
        return map;
    }

    private static ContainerMount[] Mounts(JsonElement container)
    {
        if (!TryGet(container, "Mounts", out JsonElement value))
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw WrongType("Mounts", "an array", value);
        }
        var mounts = new List<ContainerMount>();
        foreach (JsonElement m in value.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object)
            {
                throw WrongType($"Mounts[{mounts.Count}]", "an object", m);
            }
            mounts.Add(new ContainerMount(String(m, "Source"), String(m, "Destination"), String(m, "Mode"), Bool(m, "RW"), String(m, "Propagation")));
        }
        return mounts.ToArray();
    }

    private static ContainerMetadataException WrongType(string key, string expected, JsonElement value) =>
        new($"container JSON key \"{key}\" must be {expected}, not {value.ValueKind.ToString().ToLowerInvariant()} {Shorten(value.GetRawText())}");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
