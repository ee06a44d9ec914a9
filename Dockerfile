# zoombot: the Slack app that runs Zoom, as one container serving every HTTP route.
#   docker build -t zoombot .
#   docker run -p 3000:3000 --env-file .env -v zoombot-data:/data zoombot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src

# Dependencies first, from the hash-checked lock alone (requirements/app.lock, made from
# pyproject.toml by `make lock`): this layer is rebuilt only when the lock changes, not on
# every source edit, and every build gets the versions CI tested.
COPY requirements/app.lock requirements/app.lock
RUN pip install --require-hashes -r requirements/app.lock

# Then the application, installed without touching the dependency layer.
COPY pyproject.toml README.md ./
COPY bot/ bot/
RUN pip install --no-deps . \
 && rm -rf build *.egg-info

# An unprivileged user. /data is the working directory: the default SQLite database
# (./zoombot.db) and an optional .env file live there.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin zoombot \
 && mkdir /data \
 && chown zoombot:zoombot /data
WORKDIR /data
VOLUME ["/data"]
USER zoombot

ENV PORT=3000
EXPOSE 3000

# The slim image has no curl; urllib fails (exit 1) on a refused connection or a non-2xx,
# which is what /healthz returns when the database does not answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]

ENTRYPOINT ["zoombot"]
CMD ["serve", "--host", "0.0.0.0"]
