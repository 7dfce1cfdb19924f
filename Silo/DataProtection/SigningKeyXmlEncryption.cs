using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace OrleansHub.Silo.DataProtection;

/// <summary>
/// Encrypts a DataProtection key's secret element with AES-256-GCM under <see cref="KeyEncryptionKey"/>,
/// so the key ring in PostgreSQL holds no usable key material (and DataProtection does not warn that it would).
/// </summary>
internal sealed class SigningKeyXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(key.Value, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, SigningKeyXmlDecryptor.AssociatedData);
        }

        var element = new XElement(
            SigningKeyXmlDecryptor.ElementName,
            new XComment(" Encrypted with AES-256-GCM under a key derived from Auth:SigningKey. "),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(ciphertext)));
        return new EncryptedXmlInfo(element, typeof(SigningKeyXmlDecryptor));
    }
}

/// <summary>
/// Reverses <see cref="SigningKeyXmlEncryptor"/>. DataProtection creates it by the type name it finds in the
/// stored key, passing the service provider, hence the public type and constructor.
/// </summary>
public sealed class SigningKeyXmlDecryptor : IXmlDecryptor
{
    internal const string ElementName = "orleansHubEncryptedKey";
    internal static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("OrleansHub DataProtection key v1");

    private readonly KeyEncryptionKey _key;

    public SigningKeyXmlDecryptor(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _key = services.GetRequiredService<KeyEncryptionKey>();
    }

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var nonce = Convert.FromBase64String((string?)encryptedElement.Element("nonce") ?? "");
        var tag = Convert.FromBase64String((string?)encryptedElement.Element("tag") ?? "");
        var ciphertext = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(_key.Value, tag.Length))
        {
            // Throws AuthenticationTagMismatchException when the key (the signing key) differs.
            aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData);
        }

        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
