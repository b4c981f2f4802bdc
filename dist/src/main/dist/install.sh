#!/usr/bin/env bash
# install.sh: installs the Spindle board agent on Raspberry Pi OS / Debian (docs/field.md).
#
#   sudo ./install.sh                  install on this machine (idempotent: run it again to upgrade)
#   ./install.sh --root DIR            install into DIR as the file system root (an SD card's
#                                      mounted root file system, or a throw-away directory in tests)
#
# What it does, each step safe to repeat:
#   - user spindle (system user, no login) in groups spindle, gpio and dialout;
#   - PREFIX/bin/spindle-agent, PREFIX/lib/*.jar, PREFIX/doc (PREFIX: /opt/spindle);
#   - /etc/systemd/system/spindle-agent.service (replaced: change it with systemctl edit);
#   - /etc/spindle/agent.properties and /etc/default/spindle-agent: written when absent; an edited
#     copy is kept and the new default goes next to it as *.new;
#   - /var/lib/spindle (the agent's data directory);
#   - enables the service; restarts it when it was running (an upgrade), else leaves it stopped;
#   - checks Java, the groups, the GPIO chip and the UART, and says what to fix (warnings).
# With --root DIR nothing outside DIR is touched: users and groups are added by editing
# DIR/etc/passwd, DIR/etc/group (and shadow files when present) instead of running useradd,
# and the service is enabled by its symlink instead of systemctl.
#
# Options: --root DIR (also env ROOT or DESTDIR), --prefix DIR, --no-systemctl, --help.
# Exit codes: 0 installed (warnings may need fixing), 1 failed, 2 bad command line.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

ROOT="${ROOT:-${DESTDIR:-/}}"
PREFIX=/opt/spindle
RUN_SYSTEMCTL=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --root) [ $# -ge 2 ] || { echo "install.sh: --root needs a directory" >&2; exit 2; }; ROOT="$2"; shift 2 ;;
        --root=*) ROOT="${1#--root=}"; shift ;;
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }; PREFIX="$2"; shift 2 ;;
        --prefix=*) PREFIX="${1#--prefix=}"; shift ;;
        --no-systemctl) RUN_SYSTEMCTL=no; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$PREFIX" in
    /*) ;;
    *) echo "install.sh: --prefix must be an absolute path, got '$PREFIX'" >&2; exit 2 ;;
esac

SRC=$(cd "$(dirname "$0")" && pwd)
for f in bin/spindle-agent systemd/spindle-agent.service etc/agent.properties etc/default/spindle-agent VERSION; do
    if [ ! -f "$SRC/$f" ]; then
        echo "install.sh: $SRC/$f is missing: run install.sh from the unpacked spindle-agent archive (make dist)" >&2
        exit 1
    fi
done
if ! ls "$SRC"/lib/spindle-agent-*.jar >/dev/null 2>&1; then
    echo "install.sh: $SRC/lib has no spindle-agent jar: unpack the whole archive and run it from there" >&2
    exit 1
fi
VERSION=$(cat "$SRC/VERSION")

if [ "$ROOT" = "/" ]; then
    R=""
    if [ "$(id -u)" -ne 0 ]; then
        echo "install.sh: run it as root (sudo ./install.sh), or give --root DIR to install into a directory" >&2
        exit 1
    fi
else
    mkdir -p "$ROOT"
    R=$(cd "$ROOT" && pwd)
    RUN_SYSTEMCTL=no
fi
AM_ROOT=no
[ "$(id -u)" -eq 0 ] && AM_ROOT=yes

WARNINGS=0
say() { echo "install.sh: $*"; }
warn() {
    WARNINGS=$((WARNINGS + 1))
    echo "WARNING: $1" >&2
    shift
    for fix in "$@"; do echo "  fix: $fix" >&2; done
}

say "installing spindle-agent $VERSION into ${R:-/} (prefix $PREFIX)"

# ---- users and groups ------------------------------------------------------------------------

# prints the number after NAME in the colon file $1 (field $2: 3 is the id), or nothing
id_of() { awk -F: -v n="$3" -v f="$2" '$1 == n { print $f; exit }' "$1"; }

# prints a free system id (100..999) not used in field 3 of the colon file $1
free_id() {
    awk -F: '{ used[$3] = 1 } END { for (i = 999; i >= 100; i--) if (!(i in used)) { print i; exit } }' "$1"
}

ensure_group_file() { # name
    local g="$1" gid
    if [ -z "$(id_of "$R/etc/group" 3 "$g")" ]; then
        gid=$(free_id "$R/etc/group")
        echo "$g:x:$gid:" >> "$R/etc/group"
        if [ -f "$R/etc/gshadow" ]; then echo "$g:!::" >> "$R/etc/gshadow"; fi
        say "added group $g ($gid) to $R/etc/group"
    fi
}

ensure_member_file() { # group user
    local tmp
    tmp=$(mktemp "$R/etc/group.XXXXXX")
    awk -F: -v OFS=: -v g="$1" -v u="$2" '
        $1 == g { n = split($4, m, ","); found = 0
                  for (i = 1; i <= n; i++) if (m[i] == u) found = 1
                  if (!found) $4 = ($4 == "" ? u : $4 "," u) }
        { print }' "$R/etc/group" > "$tmp"
    chmod --reference="$R/etc/group" "$tmp" 2>/dev/null || chmod 0644 "$tmp"
    mv "$tmp" "$R/etc/group"
}

ensure_user_file() {
    local uid gid
    mkdir -p "$R/etc"
    for f in passwd group; do
        if [ ! -f "$R/etc/$f" ]; then
            touch "$R/etc/$f"
            chmod 0644 "$R/etc/$f"
            say "created an empty $R/etc/$f (a throw-away root)"
        fi
    done
    say "root $R: editing $R/etc/passwd and $R/etc/group directly (useradd and groupadd are not run)"
    for g in spindle gpio dialout; do ensure_group_file "$g"; done
    if [ -z "$(id_of "$R/etc/passwd" 3 spindle)" ]; then
        gid=$(id_of "$R/etc/group" 3 spindle)
        uid=$(free_id "$R/etc/passwd")
        echo "spindle:x:$uid:$gid:Spindle board agent:/var/lib/spindle:/usr/sbin/nologin" >> "$R/etc/passwd"
        if [ -f "$R/etc/shadow" ]; then echo "spindle:!:$(( $(date +%s) / 86400 ))::::::" >> "$R/etc/shadow"; fi
        say "added user spindle ($uid) to $R/etc/passwd"
    fi
    ensure_member_file gpio spindle
    ensure_member_file dialout spindle
}

ensure_user_system() {
    getent group spindle >/dev/null || groupadd --system spindle
    if ! getent group gpio >/dev/null; then
        groupadd --system gpio
        say "added group gpio (Raspberry Pi OS has it; on plain Debian /dev/gpiochip* also needs a udev rule, checked below)"
    fi
    getent group dialout >/dev/null || groupadd --system dialout
    if ! getent passwd spindle >/dev/null; then
        useradd --system --gid spindle --home-dir /var/lib/spindle --no-create-home \
            --shell /usr/sbin/nologin --comment "Spindle board agent" spindle
        say "added system user spindle"
    fi
    usermod -a -G gpio,dialout spindle
}

if [ -z "$R" ]; then ensure_user_system; else ensure_user_file; fi

# owner of what the agent reads or writes: numeric ids from the root's own files
SPINDLE_UID=$(id_of "$R/etc/passwd" 3 spindle)
SPINDLE_GID=$(id_of "$R/etc/group" 3 spindle)
own() { # owner-spec path...: chown when we can (root), else say it once
    local spec="$1"
    shift
    if [ "$AM_ROOT" = yes ]; then
        chown "$spec" "$@"
    elif [ -z "${OWN_NOTED:-}" ]; then
        OWN_NOTED=1
        say "not root: files stay owned by $(id -un); chown them to spindle on the board"
    fi
}

# ---- files -----------------------------------------------------------------------------------

P="$R$PREFIX"
install -d -m 0755 "$P" "$P/bin" "$P/doc"
# the libraries are replaced as a whole: a new version's jars, none of the old ones
rm -rf "$P/lib.new" "$P/lib.old"
install -d -m 0755 "$P/lib.new"
install -m 0644 "$SRC"/lib/*.jar "$P/lib.new/"
if [ -d "$P/lib" ]; then mv "$P/lib" "$P/lib.old"; fi
mv "$P/lib.new" "$P/lib"
rm -rf "$P/lib.old"
install -m 0755 "$SRC/bin/spindle-agent" "$P/bin/spindle-agent"
install -m 0644 "$SRC/VERSION" "$P/VERSION"
if [ -d "$SRC/doc" ]; then install -m 0644 "$SRC"/doc/*.md "$P/doc/"; fi

install -d -m 0755 "$R/etc/systemd/system"
UNIT="$R/etc/systemd/system/spindle-agent.service"
sed -e "s|/opt/spindle/|$PREFIX/|g" "$SRC/systemd/spindle-agent.service" > "$UNIT.tmp"
chmod 0644 "$UNIT.tmp"
mv "$UNIT.tmp" "$UNIT"

# a config file: installed when absent; an edited one is kept and the new default goes to .new
install_config() { # source target mode owner-spec
    local src="$1" dst="$2" mode="$3" owner="$4"
    if [ ! -e "$dst" ]; then
        install -m "$mode" "$src" "$dst"
        own "$owner" "$dst"
        say "wrote $dst"
    elif cmp -s "$src" "$dst"; then
        rm -f "$dst.new"
    else
        install -m "$mode" "$src" "$dst.new"
        own "$owner" "$dst.new"
        say "kept your $dst; the new default is $dst.new (compare: diff $dst $dst.new)"
    fi
}
install -d -m 0750 "$R/etc/spindle"
own "0:$SPINDLE_GID" "$R/etc/spindle"
install_config "$SRC/etc/agent.properties" "$R/etc/spindle/agent.properties" 0640 "0:$SPINDLE_GID"
install -d -m 0755 "$R/etc/default"
install_config "$SRC/etc/default/spindle-agent" "$R/etc/default/spindle-agent" 0644 "0:0"

install -d -m 0750 "$R/var/lib/spindle"
own "$SPINDLE_UID:$SPINDLE_GID" "$R/var/lib/spindle"

# ---- the service -----------------------------------------------------------------------------

if [ -n "$R" ]; then
    install -d -m 0755 "$R/etc/systemd/system/multi-user.target.wants"
    ln -sfn /etc/systemd/system/spindle-agent.service "$R/etc/systemd/system/multi-user.target.wants/spindle-agent.service"
    say "enabled spindle-agent.service in $R (multi-user.target.wants symlink; systemctl is not run)"
elif [ "$RUN_SYSTEMCTL" = yes ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable spindle-agent.service >/dev/null 2>&1
    if systemctl is-active --quiet spindle-agent.service; then
        systemctl restart spindle-agent.service
        say "spindle-agent was running: restarted with $VERSION"
    else
        say "enabled spindle-agent; start it once provisioned: sudo systemctl start spindle-agent"
    fi
else
    warn "systemd is not running here (or --no-systemctl): the service was not enabled" \
        "sudo systemctl daemon-reload && sudo systemctl enable --now spindle-agent"
fi

# ---- checks ----------------------------------------------------------------------------------

if [ -z "$R" ]; then
    if java_line=$("$P/bin/spindle-agent" --check-java 2>&1); then
        say "$java_line"
    else
        warn "$(echo "$java_line" | head -n 1)" "sudo apt install openjdk-17-jre-headless"
    fi
else
    # the root's own Java: it may be for another CPU, so look for it instead of running it
    found_java=""
    for d in "$R"/usr/lib/jvm/*/bin/java; do
        case "$d" in
            *java-1[7-9]-*|*java-[2-9][0-9]-*|*jdk-1[7-9]*|*jdk-[2-9][0-9]*) found_java="$d"; break ;;
        esac
    done
    if [ -n "$found_java" ]; then
        say "java: ${found_java#"$R"}"
    else
        warn "no Java 17 or newer in $R/usr/lib/jvm" "on the board: sudo apt install openjdk-17-jre-headless"
    fi
fi

GPIO_GID=$(id_of "$R/etc/group" 3 gpio)
DIALOUT_GID=$(id_of "$R/etc/group" 3 dialout)
# whether the device $1 can be read and written by group gid $2 (or by everyone)
group_can_use() {
    local g m
    g=$(stat -L -c %g "$1")
    m=$(stat -L -c %a "$1")
    [ "${m: -1}" -ge 6 ] || { [ "$g" = "$2" ] && [ "${m: -2:1}" -ge 6 ]; }
}

chips=()
for c in "$R"/dev/gpiochip*; do
    [ -e "$c" ] && chips+=("$c")
done
if [ ${#chips[@]} -eq 0 ]; then
    warn "no GPIO chip ($R/dev/gpiochip*): this is not a Raspberry Pi, or the kernel lacks the GPIO character device; the agent runs without GPIO (board.type=none) or fails to open the board" \
        "on a Raspberry Pi use a current Raspberry Pi OS (bookworm): it has /dev/gpiochip0"
else
    for c in "${chips[@]}"; do
        if ! group_can_use "$c" "$GPIO_GID"; then
            warn "${c#"$R"} is group $(stat -L -c %g "$c") mode $(stat -L -c %a "$c"): the agent (group gpio) cannot open it" \
                "echo 'SUBSYSTEM==\"gpio\", KERNEL==\"gpiochip*\", GROUP=\"gpio\", MODE=\"0660\"' | sudo tee /etc/udev/rules.d/60-spindle-gpio.rules && sudo udevadm trigger"
        fi
    done
fi

# Raspberry Pi OS bookworm: /boot/firmware; earlier releases: /boot
boot="$R/boot/firmware"
if [ ! -f "$boot/config.txt" ] && [ -f "$R/boot/config.txt" ]; then boot="$R/boot"; fi
if [ -e "$R/dev/serial0" ]; then
    if ! group_can_use "$R/dev/serial0" "$DIALOUT_GID"; then
        warn "/dev/serial0 is group $(stat -L -c %g "$R/dev/serial0") mode $(stat -L -c %a "$R/dev/serial0"): the agent (group dialout) cannot open it" \
            "sudo chgrp dialout /dev/ttyS0 /dev/ttyAMA0 && sudo chmod g+rw /dev/ttyS0 /dev/ttyAMA0 (a udev rule makes it last)"
    fi
elif [ -f "$boot/config.txt" ] && grep -Eq '^[[:space:]]*enable_uart=1' "$boot/config.txt"; then
    warn "enable_uart=1 is in ${boot#"$R"}/config.txt but /dev/serial0 is missing" "reboot the board"
else
    warn "the UART is off: no /dev/serial0 and no enable_uart=1 in ${boot#"$R"}/config.txt" \
        "sudo raspi-config nonint do_serial_hw 0 (or add enable_uart=1 to ${boot#"$R"}/config.txt), then reboot"
fi
if [ -f "$boot/cmdline.txt" ] && grep -Eq 'console=(serial0|ttyS0|ttyAMA0)' "$boot/cmdline.txt"; then
    warn "the Linux serial console uses the UART (console=serial0 in ${boot#"$R"}/cmdline.txt): serial0 is busy for apps" \
        "sudo raspi-config nonint do_serial_cons 1 (or remove console=serial0,115200 from cmdline.txt), then reboot"
fi

# ---- summary ---------------------------------------------------------------------------------

if ! grep -Eq '^[[:space:]]*board\.id[[:space:]]*=' "$R/etc/spindle/agent.properties"; then
    say "next: provision the board (board.id, broker.url, credentials in /etc/spindle/agent.properties; docs/field.md)"
fi
say "installed spindle-agent $VERSION; $WARNINGS warning(s)"
