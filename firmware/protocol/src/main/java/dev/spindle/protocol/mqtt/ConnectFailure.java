package dev.spindle.protocol.mqtt;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Turns a failed connect into a sentence that says what happened and what to do: the broker
 * refused the user name or password, its certificate is not signed by the CA given, does not name
 * the host, has expired, or the broker refused our client certificate. docs/security.md lists
 * the same cases. Never includes a password (none is in these exceptions).
 */
public final class ConnectFailure {
    private ConnectFailure() {
    }

    /** @return one line: the cause, then the fix */
    public static String explain(Throwable e, String serverUri) {
        if (e instanceof MqttException me) {
            switch (me.getReasonCode()) {
                case MqttException.REASON_CODE_FAILED_AUTHENTICATION:
                    return "the broker " + serverUri + " refused the user name or password (MQTT return code 4): "
                            + "check the user name and the password file (spindle provision makes both)";
                case MqttException.REASON_CODE_NOT_AUTHORIZED:
                    return "the broker " + serverUri + " refused the login (MQTT return code 5, not authorized): "
                            + "check the user name and password, and that the broker's password file lists this user";
                case MqttException.REASON_CODE_INVALID_CLIENT_ID:
                    return "the broker " + serverUri + " refused the client id (MQTT return code 2)";
                default:
                    break;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return "the broker's certificate at " + serverUri + " is outside its validity period (" + m
                        + "): renew the broker certificate, or check this machine's clock";
            }
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "the broker's certificate does not name the host in " + serverUri + " (" + m + "): connect by a "
                        + "name the certificate lists, or issue the broker a certificate for this name "
                        + "(spindle ca server --host …)";
            }
            if (m.contains("PKIX path") || m.contains("unable to find valid certification path")) {
                return "the broker's certificate at " + serverUri + " is not signed by the CA given (--ca / broker.ca): "
                        + "give the fleet CA certificate that signed the broker's certificate";
            }
            if (m.contains("certificate_expired")) {
                return "the broker refused our client certificate because it has expired: issue a new one "
                        + "(spindle provision … --ca-key …) and copy it to this machine";
            }
            if (m.contains("certificate_required") || m.contains("bad_certificate") || m.contains("unknown_ca")
                    || m.contains("certificate_unknown") || m.contains("decrypt_error")) {
                return "the broker refused our client certificate (" + m + "): it requires a certificate signed by the "
                        + "fleet CA; give --cert/--key (broker.cert/broker.key) issued by spindle provision";
            }
            if (serverUri.startsWith("ssl://") && (m.contains("Broken pipe") || m.contains("Connection reset"))) {
                // TLS 1.3: the broker checks our certificate after our side of the handshake is done,
                // so its refusal shows as a closed connection on the first write
                return "the broker closed the TLS connection at login: when it requires client certificates it "
                        + "refused ours (expired, or not signed by the fleet CA; the broker's log says which): "
                        + "give --cert/--key (broker.cert/broker.key) from spindle provision --ca-key";
            }
            if (t instanceof SSLException) {
                return "TLS with " + serverUri + " failed (" + m + "): check that the port is the broker's TLS "
                        + "listener and the CA file is the fleet CA";
            }
        }
        return Link.describe(e);
    }
}
