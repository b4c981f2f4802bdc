package dev.spindle.tools.deploy;

import java.nio.file.Path;

/**
 * The bundle a rollout installs, as checked on this host before any board was touched.
 *
 * @param path    the bundle file (absolute)
 * @param name    manifest name
 * @param version manifest version
 * @param sha256  SHA-256 of the whole file (the board checks the same before install)
 * @param size    file size in bytes
 */
public record BundleInfo(Path path, String name, String version, String sha256, long size) {
}
