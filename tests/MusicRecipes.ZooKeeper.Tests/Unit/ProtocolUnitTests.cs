using MusicRecipes.ZooKeeper.Protocol;

namespace MusicRecipes.ZooKeeper.Tests.Unit;

public sealed class ProtocolUnitTests
{
    [Fact]
    public void A_connect_response_without_the_readOnly_byte_is_accepted()
    {
        var writer = new JuteWriter();
        writer.WriteInt(0);
        writer.WriteInt(6000);
        writer.WriteLong(0x1234);
        writer.WriteBuffer(new byte[16]);
        var withoutFlag = ConnectHandshake.DecodeResponse(writer.ToArray());
        Assert.Equal(36, writer.Length);
        Assert.Equal(6000, withoutFlag.TimeoutMs);
        Assert.Equal(0x1234, withoutFlag.SessionId);
        Assert.False(withoutFlag.ReadOnly);

        writer.WriteBool(true);
        var withFlag = ConnectHandshake.DecodeResponse(writer.ToArray());
        Assert.Equal(37, writer.Length);
        Assert.True(withFlag.ReadOnly);
    }

    [Fact]
    public void The_connect_request_is_framed_with_its_length_and_ends_with_readOnly_false()
    {
        var request = ConnectHandshake.EncodeRequest(lastZxidSeen: 9, timeoutMs: 5000, sessionId: 7, password: new byte[16]);
        Assert.Equal(4 + 4 + 8 + 4 + 8 + 4 + 16 + 1, request.Length);
        var reader = new JuteReader(request);
        Assert.Equal(request.Length - 4, reader.ReadInt());
        Assert.Equal(0, reader.ReadInt());
        Assert.Equal(9, reader.ReadLong());
        Assert.Equal(5000, reader.ReadInt());
        Assert.Equal(7, reader.ReadLong());
        Assert.Equal(16, reader.ReadBuffer()!.Length);
        Assert.False(reader.ReadBool());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Strings_and_buffers_round_trip_with_null_as_minus_one()
    {
        var writer = new JuteWriter(2);
        writer.WriteString("ключ/κ");
        writer.WriteString(null);
        writer.WriteNullBuffer();
        writer.WriteStringVector(["a", "b"]);
        var reader = new JuteReader(writer.ToArray());
        Assert.Equal("ключ/κ", reader.ReadString());
        Assert.Null(reader.ReadString());
        Assert.Null(reader.ReadBuffer());
        Assert.Equal(["a", "b"], reader.ReadStringVector());
        Assert.Throws<InvalidDataException>(() => reader.ReadInt());
    }

    [Fact]
    public void Connection_strings_parse_servers_ports_and_chroot()
    {
        var parsed = ZooKeeperConnectionString.Parse("127.0.0.1:2181, zk2 ,[::1]:2183/app/x");
        Assert.Equal(["127.0.0.1:2181", "zk2:2181", "::1:2183"], parsed.Servers.Select(s => $"{s.Host}:{s.Port}"));
        Assert.Equal("/app/x", parsed.Chroot);
        Assert.Null(ZooKeeperConnectionString.Parse("a:1/").Chroot);
        Assert.Throws<ArgumentException>(() => ZooKeeperConnectionString.Parse("a:notaport"));
        Assert.Throws<ArgumentException>(() => ZooKeeperConnectionString.Parse("a:1/bad/"));
        Assert.Throws<ArgumentException>(() => ZooKeeperConnectionString.Parse("/only-chroot"));
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/a/b-c.d", true)]
    [InlineData("a", false)]
    [InlineData("/a/", false)]
    [InlineData("/a//b", false)]
    [InlineData("/a/./b", false)]
    [InlineData("/a/..", false)]
    [InlineData("/a\u0001", false)]
    [InlineData("/a\uffff", false)]
    public void Paths_are_validated_like_the_server_does(string path, bool valid)
    {
        var error = Record.Exception(() => ZooKeeperPath.Validate(path));
        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void Chroot_maps_both_ways()
    {
        var chroot = new Chroot("/app");
        Assert.Equal("/app", chroot.ToServer("/"));
        Assert.Equal("/app/x", chroot.ToServer("/x"));
        Assert.Equal("/", chroot.ToClient("/app"));
        Assert.Equal("/x", chroot.ToClient("/app/x"));
        Assert.Equal("/application", chroot.ToClient("/application"));
    }

    [Fact]
    public void Watch_events_fire_the_right_tables_once_per_watcher()
    {
        var registry = new WatchRegistry();
        var fired = 0;
        Action<WatchedEvent> watcher = _ => fired++;
        registry.Add(WatchKind.Data, "/a", watcher);
        registry.Add(WatchKind.Data, "/a", watcher);
        registry.Add(WatchKind.Child, "/a", watcher);
        Assert.Single(registry.Trigger(WatchEventType.NodeDataChanged, "/a"));
        Assert.Empty(registry.Trigger(WatchEventType.NodeDataChanged, "/a"));
        Assert.Single(registry.Trigger(WatchEventType.NodeDeleted, "/a"));
        Assert.Equal(0, registry.Count);
        Assert.Equal(0, fired);
    }
}
