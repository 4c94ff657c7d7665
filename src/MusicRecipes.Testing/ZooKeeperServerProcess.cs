using System.Globalization;
using System.Text;
using MusicRecipes.Testing.Tls;

namespace MusicRecipes.Testing;

/// <summary>One ZooKeeper server of a test ensemble: its directory, configuration and (while running) its process.</summary>
internal sealed class ZooKeeperServerProcess
{
    private readonly ZooKeeperTestEnsembleOptions _options;
    private readonly string _classpath;
    private readonly ChildServerProcess _process;
    private int _logLengthAtStart;

    public ZooKeeperServerProcess(int id, string directory, ZooKeeperTestEnsembleOptions options, string classpath)
    {
        Id = id;
        Directory = directory;
        _options = options;
        _classpath = classpath;
        ClientPort = options.ClientPort(id);
        SecureClientPort = options.Tls is null ? null : options.SecureClientPort(id);
        int[] clientPorts = SecureClientPort is { } secure ? [ClientPort, secure] : [ClientPort];
        Ports = options.ServerCount > 1 ? [.. clientPorts, options.QuorumPort(id), options.ElectionPort(id)] : clientPorts;
        _process = new ChildServerProcess("musicrecipes-zookeeper-pids", $"client-port-{ClientPort.ToString(CultureInfo.InvariantCulture)}", "QuorumPeerMain");
        WriteConfiguration();
    }

    public int Id { get; }

    public string Directory { get; }

    public int ClientPort { get; }

    /// <summary>The TLS client port, or null when the ensemble has no TLS.</summary>
    public int? SecureClientPort { get; }

    /// <summary>Every port the server listens on: client (and secure client), and for an ensemble quorum (while it leads) and election.</summary>
    public IReadOnlyList<int> Ports { get; }

    public bool IsRunning => _process.WatchdogIsAlive;

    public string LogFile => Path.Combine(Directory, "server.log");

    /// <summary>
    /// True when the wrapper runs but the Java process it started is gone (e.g. a port was taken). The wrapper reaps
    /// the JVM only when its stdin closes, so a JVM that exited on its own is a zombie until then, and counts as gone.
    /// </summary>
    public bool JavaHasExited => _process.Pid > 0 && !_process.ServerIsAlive;

    /// <summary>Kills a server an earlier run left on this server's client port.</summary>
    public void KillStale() => _process.KillStale();

    /// <summary>The first of <see cref="Ports"/> another socket holds now, or <c>null</c> when the server could listen on all.</summary>
    public int? BusyPort() => Ports.Cast<int?>().FirstOrDefault(p => !LocalPorts.CanListen(p!.Value));

    /// <summary>The lines of this start's log that say a port could not be bound (empty when none do).</summary>
    public IReadOnlyList<string> BindFailures() =>
        LogSinceStart()
            .Where(l => l.Contains("Couldn't bind", StringComparison.Ordinal) || l.Contains("Address already in use", StringComparison.Ordinal)
                || l.Contains("Exiting JVM", StringComparison.Ordinal) || l.Contains("after 3 errors", StringComparison.Ordinal))
            .Take(6)
            .ToList();

    /// <summary>The last lines of the log, for error messages.</summary>
    public string Tail(int lines = 30)
    {
        var log = ReadLog();
        var all = log.Split('\n');
        return log.Length == 0 ? "(no log)" : string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public void Start()
    {
        // Before the log's length is taken: a stale server still writes to it.
        _process.KillStale();
        _logLengthAtStart = ReadLog().Length;
        _process.Start("zookeeper-" + Id.ToString(CultureInfo.InvariantCulture), JavaArguments(), LogFile, Directory);
    }

    /// <summary>Kills the server at once (SIGKILL: no clean shutdown, like a crash) and waits until it is gone.</summary>
    public Task KillAsync() => _process.KillAsync();

    private IEnumerable<string> LogSinceStart()
    {
        var log = ReadLog();
        return (_logLengthAtStart < log.Length ? log[_logLengthAtStart..] : log).Split('\n');
    }

    private string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private IEnumerable<string> JavaArguments()
    {
        yield return "-Xmx" + _options.JavaHeap;
        yield return "-Xms32m";
        yield return "-XX:+UseSerialGC";
        yield return "-XX:TieredStopAtLevel=1";
        yield return "-Dzookeeper.4lw.commands.whitelist=*";
        yield return "-Dzookeeper.admin.enableServer=false";
        yield return "-Dlog4j.configuration=file:" + Path.Combine(Directory, "log4j.properties");
        yield return "-cp";
        yield return _classpath;
        yield return "org.apache.zookeeper.server.quorum.QuorumPeerMain";
        yield return Path.Combine(Directory, "zoo.cfg");
    }

    private void WriteConfiguration()
    {
        var data = Path.Combine(Directory, "data");
        System.IO.Directory.CreateDirectory(data);
        var config = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"tickTime={_options.TickTimeMs}")
            .AppendLine("initLimit=20")
            .AppendLine("syncLimit=10")
            .AppendLine(CultureInfo.InvariantCulture, $"dataDir={data}")
            .AppendLine(CultureInfo.InvariantCulture, $"clientPort={ClientPort}")
            .AppendLine("clientPortAddress=127.0.0.1")
            .AppendLine("admin.enableServer=false")
            .AppendLine("4lw.commands.whitelist=*")
            .AppendLine(CultureInfo.InvariantCulture, $"maxSessionTimeout={_options.MaxSessionTimeoutMs}")
            .AppendLine(CultureInfo.InvariantCulture, $"minSessionTimeout={_options.MinSessionTimeoutMs ?? 2 * _options.TickTimeMs}")
            .AppendLine("maxClientCnxns=0");
        if (_options.Tls is { } tls)
        {
            AppendSecureClientPort(config, tls);
        }

        if (_options.ServerCount > 1)
        {
            File.WriteAllText(Path.Combine(data, "myid"), Id.ToString(CultureInfo.InvariantCulture));
            for (var server = 1; server <= _options.ServerCount; server++)
            {
                var ports = _options.PeerPortsFor(Id, server);
                config.AppendLine(CultureInfo.InvariantCulture, $"server.{server}=127.0.0.1:{ports.QuorumPort}:{ports.ElectionPort}");
            }
        }

        File.WriteAllText(Path.Combine(Directory, "zoo.cfg"), config.ToString());
        File.WriteAllText(Path.Combine(Directory, "log4j.properties"), string.Join('\n',
            "log4j.rootLogger=INFO, CONSOLE",
            "log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender",
            "log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout",
            "log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} %-5p [%t] %c{1} - %m%n",
            string.Empty));
    }

    /// <summary>
    /// The secure client port: only the Netty connection factory serves TLS (the default NIO one cannot), and it serves
    /// the plain port too. The <c>ssl.*</c> keys become the <c>zookeeper.ssl.*</c> properties the server reads. The
    /// trust store is PEM, which ZooKeeper reads itself (a PKCS#12 one from .NET would look empty to the JDK).
    /// </summary>
    private void AppendSecureClientPort(StringBuilder config, TestServerTls tls)
    {
        var stores = tls.WriteServerStores(Path.Combine(Directory, "tls"), ["127.0.0.1", "localhost"], pkcs12TrustStore: false);
        config
            .AppendLine(CultureInfo.InvariantCulture, $"secureClientPort={SecureClientPort}")
            .AppendLine("secureClientPortAddress=127.0.0.1")
            .AppendLine("serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.keyStore.location={stores.KeyStore}")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.keyStore.password={TestServerTls.StorePassword}")
            .AppendLine("ssl.keyStore.type=PKCS12")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.trustStore.location={stores.PemTrustStore}")
            .AppendLine("ssl.trustStore.type=PEM")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.clientAuth={(tls.RequireClientCertificate ? "need" : "none")}");
    }
}
