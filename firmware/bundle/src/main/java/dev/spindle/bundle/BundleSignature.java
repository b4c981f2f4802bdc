package dev.spindle.bundle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * The signature file, {@code manifest.sig} in the bundle:
 * <pre>{"format":1,"algorithm":"Ed25519","keyId":"&lt;hex&gt;","signature":"&lt;base64&gt;"}</pre>
 * {@code signature} is Ed25519 over {@link #DOMAIN} followed by the exact bytes of
 * {@code manifest.json}. The domain prefix keeps a bundle key's signatures from being valid for
 * anything else (and the reverse). {@code keyId} ({@link Ed25519Keys#keyId}) only picks the
 * trusted key; it is not itself trusted.
 *
 * @param keyId the signer's key id
 * @param signature the 64 signature bytes
 */
public record BundleSignature(String keyId, byte[] signature) {
    /** What is signed before the manifest bytes. */
    public static final byte[] DOMAIN = "spindle bundle manifest v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Signs manifest bytes.
     *
     * @param manifest the exact bytes of manifest.json
     * @param key the signer's private key
     * @return the signature
     */
    public static BundleSignature sign(byte[] manifest, PrivateKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(DOMAIN);
            s.update(manifest);
            return new BundleSignature(Ed25519Keys.keyId(Ed25519Keys.publicKeyOf(key)), s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /**
     * @param manifest the exact bytes of manifest.json
     * @param key the public key named by {@link #keyId()}
     * @return whether the signature is valid
     */
    public boolean verifies(byte[] manifest, PublicKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(DOMAIN);
            s.update(manifest);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** @return the signature file's bytes */
    public byte[] toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", 1);
        n.put("algorithm", "Ed25519");
        n.put("keyId", keyId);
        n.put("signature", Base64.getEncoder().encodeToString(signature));
        return (n.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param json the bytes of manifest.sig
     * @return the signature
     * @throws BundleRejectedException {@link Reason#BAD_SIGNATURE} if it cannot be read
     */
    public static BundleSignature parse(byte[] json) throws BundleRejectedException {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject() || n.size() != 4 || n.path("format").asInt(-1) != 1
                    || !"Ed25519".equals(n.path("algorithm").textValue())
                    || n.path("keyId").textValue() == null
                    || !n.path("keyId").textValue().matches("[0-9a-f]{64}")
                    || n.path("signature").textValue() == null) {
                throw new BundleRejectedException(Reason.BAD_SIGNATURE, "manifest.sig is not a format-1"
                        + " Ed25519 signature file");
            }
            String text = n.path("signature").textValue();
            byte[] sig = Base64.getDecoder().decode(text);
            if (!Base64.getEncoder().encodeToString(sig).equals(text)) {
                throw new BundleRejectedException(Reason.BAD_SIGNATURE, "the signature in manifest.sig"
                        + " is not in canonical base64");
            }
            if (sig.length != 64) {
                throw new BundleRejectedException(Reason.BAD_SIGNATURE, "the signature in manifest.sig"
                        + " is " + sig.length + " bytes, not 64");
            }
            return new BundleSignature(n.path("keyId").textValue(), sig);
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleRejectedException(Reason.BAD_SIGNATURE, "manifest.sig cannot be read: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "BundleSignature[keyId=" + keyId + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BundleSignature s && s.keyId.equals(keyId)
                && java.util.Arrays.equals(s.signature, signature);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode() * 31 + java.util.Arrays.hashCode(signature);
    }
}
