using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MusicRecipes.Testing.Tls;

/// <summary>
/// A Java server's TLS files: its key and certificate as a PKCS#12 key store (JDK 17 reads those), and the authority it
/// trusts for client certificates as PEM (ZooKeeper reads PEM trust stores) and, where asked, as a PKCS#12 trust store.
/// The JDK ignores certificates without a key in a PKCS#12 file unless they carry its own "trusted" attribute, which .NET
/// does not write, so that trust store is made by the JDK's <c>keytool</c>. Every store has
/// <see cref="TestServerTls.StorePassword"/>.
/// </summary>
internal sealed record JavaKeyStoreFiles(string KeyStore, string PemTrustStore, string? Pkcs12TrustStore)
{
    private static readonly TimeSpan KeytoolPatience = TimeSpan.FromMinutes(1);

    public static JavaKeyStoreFiles Write(string directory, X509Certificate2 server, X509Certificate2 authority, bool pkcs12TrustStore)
    {
        Directory.CreateDirectory(directory);
        var keyStore = Path.Combine(directory, "server-keystore.p12");
        File.WriteAllBytes(keyStore, server.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, TestServerTls.StorePassword));
        var pem = Path.Combine(directory, "trusted-ca.pem");
        File.WriteAllText(pem, authority.ExportCertificatePem() + "\n");
        string? trustStore = null;
        if (pkcs12TrustStore)
        {
            trustStore = Path.Combine(directory, "truststore.p12");
            File.Delete(trustStore);
            ImportWithKeytool(pem, trustStore);
        }

        return new JavaKeyStoreFiles(keyStore, pem, trustStore);
    }

    private static void ImportWithKeytool(string pem, string trustStore)
    {
        // Synchronous like the rest of the node's configuration; keytool runs for well under a second.
        var keytool = ToolProcess.RunAsync(
            "keytool",
            [
                "-importcert", "-noprompt", "-alias", "musicrecipes-test-ca", "-file", pem,
                "-keystore", trustStore, "-storetype", "PKCS12", "-storepass", TestServerTls.StorePassword,
            ],
            KeytoolPatience).GetAwaiter().GetResult();
        if (keytool.ExitCode != 0)
        {
            throw new InvalidOperationException($"keytool could not write the trust store {trustStore} (exit {keytool.ExitCode}): {keytool.Errors}{keytool.Output}");
        }
    }
}
