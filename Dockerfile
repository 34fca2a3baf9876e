# Quorum as a container: `quorum slack` by default (`quorum dingtalk` with CMD ["dingtalk"]).
# docker-compose.yml runs it beside PostgreSQL; `make run` and `make test` stay the way to try and test it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY store ./store
RUN pip install . \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin quorum \
    && rm -rf /src

USER quorum
WORKDIR /home/quorum

# /healthz and /metrics listen here in every mode (in HTTP mode the app's port answers them too). Inside a
# container 0.0.0.0, so Prometheus on the container network can scrape; publish the port only where needed.
ENV QUORUM_OPS_ADDRESS=0.0.0.0:9102
EXPOSE 3000 9102

# 503 from /healthz (database unreachable, platform disconnected, a reply waiting too long, draining) fails it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('QUORUM_OPS_ADDRESS', '127.0.0.1:9102').rpartition(':')[2]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]

# SIGTERM drains: no new events, every acknowledged one finished and replied to, then exit 0 (at most
# QUORUM_DRAIN_SECONDS; give `docker stop` / compose a longer grace period than that).
STOPSIGNAL SIGTERM
ENTRYPOINT ["quorum"]
CMD ["slack"]
