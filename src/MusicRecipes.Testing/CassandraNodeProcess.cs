using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MusicRecipes.Testing;

/// <summary>
/// One Cassandra JVM started directly (not through bin/cassandra, whose GC flags Java 17 rejects), with the
/// flags of <see cref="CassandraJvm"/>. Output goes to node.log in the node
/// directory.
/// </summary>
internal sealed class CassandraNodeProcess
{
    private Process? _wrapper;

    public CassandraNodeProcess(int node, string directory, string home, CassandraTestClusterOptions options)
    {
        Node = node;
        Directory = directory;
        Home = home;
        Options = options;
    }

    public int Node { get; }

    public string Directory { get; }

    public string Home { get; }

    public CassandraTestClusterOptions Options { get; }

    /// <summary>The JVM's pid, or 0 when not started.</summary>
    public int Pid { get; private set; }

    public bool IsPaused { get; set; }

    public string LogFile => Path.Combine(Directory, "node.log");

    public bool IsAlive => Pid > 0 && CassandraChildProcesses.IsAlive(Pid);

    public void Start()
    {
        var address = CassandraTestCluster.AddressOf(Node);
        CassandraChildProcesses.KillStale(address, Options.NativePort);
        CassandraNodeConfig.Write(Directory, Node, Options);
        var pidFile = Path.Combine(Directory, "cassandra.pid");
        File.Delete(pidFile);

        var java = new StringBuilder("exec java");
        void Arg(string value) => java.Append(' ').Append(Quote(value));
        foreach (var option in CassandraJvm.Options(Options.HeapMegabytes))
        {
            Arg(option);
        }

        Arg($"-Dcassandra.config=file://{Path.Combine(Directory, "conf", "cassandra.yaml")}");
        Arg($"-Dlogback.configurationFile={Path.Combine(Directory, "conf", "logback.xml")}");
        Arg("-Dcassandra-foreground=yes");
        Arg($"-Dcassandra.storagedir={Directory}");
        Arg($"-Dmusicrecipes.node={Directory}");
        Arg("-cp");
        Arg($"{Path.Combine(Directory, "conf")}:{CassandraDistribution.Classpath(Home)}");
        Arg("org.apache.cassandra.service.CassandraDaemon");

        // The shell starts the JVM in the background, records its pid, then blocks reading stdin (our pipe);
        // when the pipe closes — this process exited or died — it kills the JVM (CassandraChildProcesses).
        var script = $"""
            ({java} > {Quote(LogFile)} 2>&1 < /dev/null) &
            echo $! > {Quote(pidFile)}
            cat > /dev/null
            kill -9 $! 2>/dev/null
            """;
        var wrapper = new Process
        {
            StartInfo = new ProcessStartInfo("/bin/sh", new[] { "-c", script })
            {
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = Directory,
            },
        };
        wrapper.Start();
        _wrapper = wrapper;

        var watch = Stopwatch.StartNew();
        while (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out _))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"Cassandra node {Node} did not start (no pid file).");
            }

            Thread.Sleep(10);
        }

        // "( … ) &" forks a subshell that execs java, so $! is the JVM's pid.
        Pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        File.WriteAllText(CassandraChildProcesses.PidFile(address, Options.NativePort), Pid.ToString(CultureInfo.InvariantCulture));
        CassandraChildProcesses.Track(Pid);
        IsPaused = false;
    }

    /// <summary>SIGKILLs the JVM and waits until it is gone.</summary>
    public void Kill()
    {
        if (Pid > 0)
        {
            CassandraChildProcesses.Kill(Pid);
            CassandraChildProcesses.WaitForExit(Pid, TimeSpan.FromSeconds(15));
            CassandraChildProcesses.Untrack(Pid);
        }

        if (_wrapper is { } wrapper)
        {
            try
            {
                wrapper.StandardInput.Close();
                wrapper.WaitForExit(5000);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                // The shell is gone already.
            }

            wrapper.Dispose();
            _wrapper = null;
        }

        File.Delete(CassandraChildProcesses.PidFile(CassandraTestCluster.AddressOf(Node), Options.NativePort));
        Pid = 0;
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

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
