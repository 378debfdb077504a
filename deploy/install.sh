#!/usr/bin/env bash
# Install Tổng kết on a fresh Debian 12 server (run as root from a checkout of the source):
#   sudo deploy/install.sh tongket.example.vn
# PostgreSQL, Redis and nginx from Debian; the application in /opt/tongket/venv; data in
# /var/lib/tongket; settings in /etc/tongket/tongket.env; gunicorn, the job worker and the nightly
# backup as systemd units. Re-running it upgrades the application and migrates.
#
# A trial without systemd (CI runs the README's steps this way: core/tests/test_install.py):
#   TONGKET_ROOT=/tmp/thu PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres \
#     deploy/install.sh tongket.example.vn
# installs the same layout under $TONGKET_ROOT (/tmp/thu/etc/tongket, /tmp/thu/var/lib/tongket...)
# with the PostgreSQL and Redis already running, installs no Debian package and creates no system
# user, then starts gunicorn and the worker (the units' own ExecStart lines) and nginx (the kit's
# site) as plain processes, their pids in $TONGKET_ROOT/run/. Stop them:
#   TONGKET_ROOT=/tmp/thu deploy/install.sh --stop
# Optional there: TONGKET_DB (database and role, default tongket), TONGKET_APP_PORT (gunicorn,
# default 8001), TONGKET_HTTP_PORT and TONGKET_HTTPS_PORT (nginx, default 80 and 443),
# TONGKET_VENV (the application's virtualenv, default $TONGKET_ROOT/opt/tongket/venv: one kept
# from an earlier trial is upgraded as a re-run upgrades a server's).
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="${TONGKET_ROOT:-}"
MODE=systemd
[ -n "$ROOT" ] && MODE=processes

if [ "${1:-}" = "--stop" ]; then
  [ "$MODE" = processes ] || { echo "--stop chỉ dùng khi có TONGKET_ROOT" >&2; exit 2; }
  for pidfile in "$ROOT"/run/*.pid; do
    [ -f "$pidfile" ] || continue
    kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  exit 0
fi

HOST="${1:?usage: install.sh HOSTNAME}"
ETC="$ROOT/etc/tongket"
VAR="$ROOT/var/lib/tongket"
OPT="$ROOT/opt/tongket"
VENV="$OPT/venv"
[ "$MODE" = processes ] && VENV="${TONGKET_VENV:-$VENV}"
BACKUPS="$ROOT/var/backups/tongket"
TLS="$ROOT/etc/ssl/tongket"
BIN="$ROOT/usr/local/bin"
DB="${TONGKET_DB:-tongket}"
APP_PORT="${TONGKET_APP_PORT:-8001}"
HTTP_PORT="${TONGKET_HTTP_PORT:-80}"
HTTPS_PORT="${TONGKET_HTTPS_PORT:-443}"

# A file of the kit with this installation's paths, host name, database and port.
relocate() {
  sed -e "s|/opt/tongket/venv|$VENV|g" -e "s|/etc/tongket|$ETC|g" -e "s|/var/lib/tongket|$VAR|g" -e "s|/opt/tongket|$OPT|g" \
      -e "s|/var/backups/tongket|$BACKUPS|g" -e "s|/etc/ssl/tongket|$TLS|g" \
      -e "s|/usr/local/bin/tongket|$BIN/tongket|g" -e "s|127.0.0.1:8001|127.0.0.1:$APP_PORT|g" \
      -e "s|tongket.example.vn|${HOST}|g" "$@"
}
psql_admin() {
  if [ -n "${PG_ADMIN_URL:-}" ]; then psql -q "$PG_ADMIN_URL" "$@"
  else runuser -u postgres -- psql -q "$@"; fi
}

if [ "$MODE" = systemd ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    python3.11 python3.11-venv postgresql redis-server nginx openssl curl >/dev/null
  id tongket >/dev/null 2>&1 || useradd --system --home /var/lib/tongket --shell /usr/sbin/nologin tongket
  install -d -o tongket -g tongket -m 0700 "$VAR" "$BACKUPS"
else
  install -d -m 0700 "$VAR" "$BACKUPS"
fi
install -d -m 0755 "$ETC" "$BIN"

if [ ! -f "$ETC/tongket.env" ]; then
  DBPASS="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
  relocate \
      -e "s|^SECRET_KEY=.*|SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')|" \
      -e "s|^DATABASE_URL=.*|DATABASE_URL=postgres://${DB}:${DBPASS}@127.0.0.1:5432/${DB}|" \
      -e "s|^TONGKET_BACKUP_KEY=.*|TONGKET_BACKUP_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')|" \
      "$SRC/deploy/tongket.env.example" > "$ETC/tongket.env"
  if [ "$MODE" = systemd ]; then chown root:tongket "$ETC/tongket.env"; fi
  chmod 0640 "$ETC/tongket.env"
  psql_admin -c "CREATE ROLE \"${DB}\" LOGIN PASSWORD '${DBPASS}'"
  psql_admin -c "CREATE DATABASE \"${DB}\" OWNER \"${DB}\" ENCODING 'UTF8' TEMPLATE template0"
  echo "Đã tạo $ETC/tongket.env: sao chép TONGKET_BACKUP_KEY ra nơi an toàn ngoài máy chủ."
fi

python3.11 -m venv "$VENV"
"$VENV/bin/pip" install -q "${SRC}[deploy]"

# `tongket` for the administrator: the service's settings, run as its user.
if [ "$MODE" = systemd ]; then
  relocate "$SRC/deploy/tongket" > "$BIN/tongket"
else
  relocate -e "s|runuser -u tongket -- ||" "$SRC/deploy/tongket" > "$BIN/tongket"
fi
chmod 0755 "$BIN/tongket"
"$BIN/tongket" migrate --no-input
"$BIN/tongket" collectstatic --no-input -v0
"$BIN/tongket" check --deploy

# Until the office's certificate is in place, a self-signed one lets nginx start.
if [ ! -f "$TLS/fullchain.pem" ]; then
  install -d -m 0755 "$TLS"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=${HOST}" \
    -keyout "$TLS/privkey.pem" -out "$TLS/fullchain.pem" 2>/dev/null
  chmod 0600 "$TLS/privkey.pem"
  echo "Chứng chỉ TLS tạm (tự ký) ở $TLS/: thay bằng chứng chỉ thật của cơ quan."
fi

if [ "$MODE" = systemd ]; then
  install -m 0644 "$SRC"/deploy/systemd/tongket*.service "$SRC"/deploy/systemd/tongket*.timer /etc/systemd/system/
  relocate "$SRC/deploy/nginx/tongket.conf" > /etc/nginx/sites-available/tongket
  ln -sf /etc/nginx/sites-available/tongket /etc/nginx/sites-enabled/tongket
  systemctl daemon-reload
  systemctl enable --now tongket.service tongket-worker.service tongket-sealer.service \
    tongket-backup.timer tongket-digest.timer
  # Upgrades: the worker finishes its job in hand, then starts on the new code.
  systemctl restart tongket.service tongket-worker.service
  nginx -t && systemctl reload nginx
else
  install -d -m 0700 "$ROOT/run" "$ROOT/log" "$ROOT/nginx"
  # gunicorn and the worker: the units' ExecStart with their settings, folder and umask.
  for unit in tongket tongket-worker; do
    command="$(relocate "$SRC/deploy/systemd/$unit.service" | sed -n 's/^ExecStart=//p')"
    (
      set -a; . "$ETC/tongket.env"; set +a
      cd "$VAR"; umask 0077
      # shellcheck disable=SC2086  # the unit's command line, split as systemd splits it
      exec $command
    ) </dev/null >"$ROOT/log/$unit.log" 2>&1 &
    echo $! > "$ROOT/run/$unit.pid"
  done
  # nginx: the kit's site on this installation's ports, under a main configuration of its own.
  relocate -e "s|listen 80;|listen 127.0.0.1:${HTTP_PORT};|" -e "/listen \[::\]/d" \
      -e "s|listen 443 ssl http2;|listen 127.0.0.1:${HTTPS_PORT} ssl;|" \
      "$SRC/deploy/nginx/tongket.conf" > "$ROOT/nginx/site.conf"
  {
    [ "$(id -u)" = 0 ] && echo "user root;"
    echo "pid $ROOT/run/nginx.pid;"
    echo "error_log $ROOT/log/nginx-error.log;"
    echo "events {}"
    echo "http {"
    echo "  include /etc/nginx/mime.types;"
    echo "  access_log $ROOT/log/nginx-access.log;"
    for kind in client_body proxy fastcgi uwsgi scgi; do
      echo "  ${kind}_temp_path $ROOT/nginx/$kind;"
    done
    echo "  include $ROOT/nginx/site.conf;"
    echo "}"
  } > "$ROOT/nginx/nginx.conf"
  nginx -q -t -p "$ROOT/nginx" -c "$ROOT/nginx/nginx.conf" -e "$ROOT/log/nginx-error.log"
  nginx -p "$ROOT/nginx" -c "$ROOT/nginx/nginx.conf" -e "$ROOT/log/nginx-error.log"
fi

# Ready when gunicorn answers.
for _ in $(seq 1 60); do
  curl -fs -o /dev/null -H "Host: ${HOST}" "http://127.0.0.1:${APP_PORT}/healthz" && break
  sleep 1
done
echo "Xong. Tài khoản quản trị đầu tiên: tongket createsuperuser"
