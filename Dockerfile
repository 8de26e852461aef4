# The aftersales application image: one image for every process of the stack
# (web under gunicorn, Celery worker, Celery beat, one-shot migrate); the
# process is chosen by the command. See docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders the PDFs (chargeback statements, write-off lists) with
# Pango and HarfBuzz; Noto CJK gives the Chinese glyphs; gettext provides the
# msgfmt that compilemessages needs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-noto-cjk \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# The processes run as this unprivileged user; the code stays owned by root and
# is read-only to it. Only the media folder (uploads, issued documents) and the
# user's home (caches, e.g. fontconfig's) are writable.
RUN groupadd --gid 1000 app \
    && useradd --uid 1000 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Translations and static files are built into the image. collectstatic runs
# with DEBUG off so WhiteNoise's compressed manifest storage writes its
# manifest; settings refuse DEBUG off with the development secret, so this one
# line gets a throw-away key (it is not kept in the image's environment).
RUN python manage.py compilemessages \
    && DJANGO_SECRET_KEY=build-only-dummy-key-not-used-at-run-time-4f9c2a7e1b DJANGO_DEBUG=false \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER app

EXPOSE 8000

CMD ["gunicorn", "aftersales.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
