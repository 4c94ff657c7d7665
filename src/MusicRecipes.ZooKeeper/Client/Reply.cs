using MusicRecipes.ZooKeeper.Protocol;

namespace MusicRecipes.ZooKeeper;

/// <summary>A reply to a numbered request: the ReplyHeader's zxid and error, and the frame to read the body from.</summary>
internal sealed class Reply
{
    public Reply(long zxid, int error, byte[] frame, int bodyOffset)
    {
        Zxid = zxid;
        Error = (KeeperErrorCode)error;
        Frame = frame;
        BodyOffset = bodyOffset;
    }

    public long Zxid { get; }

    public KeeperErrorCode Error { get; }

    public byte[] Frame { get; }

    public int BodyOffset { get; }

    public JuteReader Body() => new(Frame, BodyOffset);
}
