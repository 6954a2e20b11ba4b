using System.Security.Cryptography;
using System.Text;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Bundles;

/// <summary>
/// A bottle's proxy credential: random letters and digits per bottle, demanded by a bundle proxy that the engine
/// publishes on the host's loopback (the smolmachines path), so that only the harness's host bridge, which adds it
/// to every request, can use that port, and not any other local account that dials it. The value is masked like
/// every secret (<see cref="SecretValues"/>).
/// </summary>
internal sealed record ProxyCredential(string User, string Password)
{
    /// <summary><c>USER:PASSWORD</c>, as the bundle takes it.</summary>
    public string UserAndPassword => User + ":" + Password;

    /// <summary>The <c>Proxy-Authorization</c> header line (with its CRLF).</summary>
    public string HeaderLine => "Proxy-Authorization: Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes(UserAndPassword)) + "\r\n";

    /// <summary>A fresh credential, registered for masking.</summary>
    public static ProxyCredential Create()
    {
        var credential = new ProxyCredential("bbt", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant());
        SecretValues.Register([credential.Password, credential.UserAndPassword]);
        return credential;
    }

    /// <inheritdoc />
    public override string ToString() => "ProxyCredential(***)";
}
