#!/usr/bin/env bash
# Install Tổng kết on a fresh Debian 12 server (run as root from a checkout of the source):
#   sudo deploy/install.sh tongket.example.vn
# PostgreSQL, Redis and nginx from Debian; the application in /opt/tongket/venv; data in
# /var/lib/tongket; settings in /etc/tongket/tongket.env; gunicorn, the job worker and the nightly
# backup as systemd units. Re-running it upgrades the application and migrates.
set -euo pipefail
HOST="${1:?usage: install.sh HOSTNAME}"
SRC="$(cd "$(dirname "$0")/.." && pwd)"

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  python3.11 python3.11-venv postgresql redis-server nginx >/dev/null

id tongket >/dev/null 2>&1 || useradd --system --home /var/lib/tongket --shell /usr/sbin/nologin tongket
install -d -o tongket -g tongket -m 0700 /var/lib/tongket /var/backups/tongket
install -d -m 0755 /etc/tongket

if [ ! -f /etc/tongket/tongket.env ]; then
  DBPASS="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
  sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')|" \
      -e "s|^DATABASE_URL=.*|DATABASE_URL=postgres://tongket:${DBPASS}@127.0.0.1:5432/tongket|" \
      -e "s|^TONGKET_BACKUP_KEY=.*|TONGKET_BACKUP_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')|" \
      -e "s|tongket.example.vn|${HOST}|g" \
      "$SRC/deploy/tongket.env.example" > /etc/tongket/tongket.env
  chown root:tongket /etc/tongket/tongket.env
  chmod 0640 /etc/tongket/tongket.env
  runuser -u postgres -- psql -q -c "CREATE ROLE tongket LOGIN PASSWORD '${DBPASS}'"
  runuser -u postgres -- createdb -O tongket -E UTF8 -T template0 tongket
  echo "Đã tạo /etc/tongket/tongket.env: sao chép TONGKET_BACKUP_KEY ra nơi an toàn ngoài máy chủ."
fi

python3.11 -m venv /opt/tongket/venv
/opt/tongket/venv/bin/pip install -q --upgrade pip
/opt/tongket/venv/bin/pip install -q "${SRC}[deploy]"

install -m 0755 "$SRC/deploy/tongket" /usr/local/bin/tongket
tongket migrate --no-input
tongket collectstatic --no-input -v0
tongket check --deploy

install -m 0644 "$SRC"/deploy/systemd/tongket*.service "$SRC"/deploy/systemd/tongket*.timer /etc/systemd/system/
sed "s|tongket.example.vn|${HOST}|g" "$SRC/deploy/nginx/tongket.conf" > /etc/nginx/sites-available/tongket
ln -sf /etc/nginx/sites-available/tongket /etc/nginx/sites-enabled/tongket
systemctl daemon-reload
systemctl enable --now tongket.service tongket-worker.service tongket-sealer.service \
  tongket-backup.timer tongket-digest.timer
# Upgrades: the worker finishes its job in hand, then starts on the new code.
systemctl restart tongket.service tongket-worker.service
nginx -t && systemctl reload nginx
echo "Xong. Đặt chứng chỉ TLS vào /etc/ssl/tongket/, rồi: tongket createsuperuser"
