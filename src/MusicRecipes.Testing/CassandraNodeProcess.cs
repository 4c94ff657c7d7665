using System.Globalization;

namespace MusicRecipes.Testing;

/// <summary>
/// One Cassandra JVM started directly (not through bin/cassandra, whose GC flags Java 17 rejects), with the
/// flags of <see cref="CassandraJvm"/>. Output goes to node.log in the node
/// directory.
/// </summary>
internal sealed class CassandraNodeProcess
{
    private readonly ChildServerProcess _process;

    public CassandraNodeProcess(int node, string directory, string home, CassandraTestClusterOptions options)
    {
        Node = node;
        Directory = directory;
        Home = home;
        Options = options;
        var slot = $"{CassandraTestCluster.AddressOf(node)}-{options.NativePort.ToString(CultureInfo.InvariantCulture)}";
        _process = new ChildServerProcess("musicrecipes-cassandra-pids", slot, "CassandraDaemon");
    }

    public int Node { get; }

    public string Directory { get; }

    public string Home { get; }

    public CassandraTestClusterOptions Options { get; }

    public bool IsPaused { get; private set; }

    public string LogFile => Path.Combine(Directory, "node.log");

    public bool IsAlive => _process.ServerIsAlive;

    public void Start()
    {
        // Kill a node an earlier run left on this address before its configuration changes under it.
        _process.KillStale();
        CassandraNodeConfig.Write(Directory, Node, Options);

        // The log holds this start only: Tail, in error messages, is about this start.
        File.Delete(LogFile);
        var java = new List<string>(CassandraJvm.Options(Options.HeapMegabytes))
        {
            $"-Dcassandra.config=file://{Path.Combine(Directory, "conf", "cassandra.yaml")}",
            $"-Dlogback.configurationFile={Path.Combine(Directory, "conf", "logback.xml")}",
            "-Dcassandra-foreground=yes",
            $"-Dcassandra.storagedir={Directory}",
            $"-Dmusicrecipes.node={Directory}",
            "-cp",
            $"{Path.Combine(Directory, "conf")}:{CassandraDistribution.Classpath(Home)}",
            "org.apache.cassandra.service.CassandraDaemon",
        };
        _process.Start($"cassandra-{Node.ToString(CultureInfo.InvariantCulture)}", java, LogFile, Directory);
        IsPaused = false;
    }

    /// <summary>Freezes the JVM (SIGSTOP): connections stay open but nothing answers.</summary>
    public void Pause()
    {
        _process.Pause();
        IsPaused = true;
    }

    /// <summary>Unfreezes the JVM (SIGCONT).</summary>
    public void Resume()
    {
        _process.Resume();
        IsPaused = false;
    }

    /// <summary>SIGKILLs the JVM and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        await _process.KillAsync().ConfigureAwait(false);
        IsPaused = false;
    }

    /// <summary>The last lines of node.log, for error messages.</summary>
    public string Tail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}
