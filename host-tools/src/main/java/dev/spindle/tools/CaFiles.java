package dev.spindle.tools;

import dev.spindle.protocol.mqtt.TlsConfig;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** The fleet CA's certificate and key, read with the JDK (PEM, PKCS#8 key). */
record CaFiles(X509Certificate cert, PrivateKey key) {
    static CaFiles load(Path certFile, Path keyFile) throws ToolException {
        try {
            X509Certificate c = TlsConfig.readCertificates(certFile, "CA certificate").get(0);
            PrivateKey k = TlsConfig.readPrivateKey(keyFile);
            if (c.getBasicConstraints() < 0) {
                throw new ToolException(ExitCodes.USAGE, certFile + " is not a CA certificate: give the fleet CA's ca.crt "
                        + "(spindle ca init)");
            }
            return new CaFiles(c, k);
        } catch (TlsConfig.TlsFileException e) {
            throw new ToolException(ExitCodes.FAILURE, e.getMessage());
        }
    }
}
