# relaypool as a container image: `docker build -t relaypool .` (or `podman build --format docker`,
# which keeps the HEALTHCHECK). See README "Run as a container".
#
# NODE_IMAGE is the runtime base (any Debian-based Node 20.18+ image); BUILD_IMAGE, the build
# stage's base, defaults to it. Without a C++ toolchain in BUILD_IMAGE, the build stage installs
# python3, make and g++ with apt-get (better-sqlite3 compiles when no prebuilt binary can be had).
ARG NODE_IMAGE=node:24-bookworm-slim
ARG BUILD_IMAGE=${NODE_IMAGE}

FROM ${BUILD_IMAGE} AS build
RUN if ! command -v g++ >/dev/null || ! command -v make >/dev/null || ! command -v python3 >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
      && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /app
COPY package.json package-lock.json ./
# node-gyp uses the headers that come with the base image, when it has them, instead of downloading.
RUN if [ -f /usr/local/include/node/node.h ]; then export npm_config_nodedir=/usr/local; fi \
    && npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Compile, drop dev dependencies, then better-sqlite3's sources and build intermediates (only
# build/Release/better_sqlite3.node is loaded at run time).
RUN npm run build \
    && npm prune --omit=dev --no-audit --no-fund \
    && cd node_modules/better-sqlite3 \
    && find build -mindepth 1 -not -path 'build/Release' -not -path 'build/Release/better_sqlite3.node' -delete \
    && rm -rf deps src

FROM ${NODE_IMAGE}
# A fixed uid/gid, so a volume's owner is the same across images and hosts.
ARG RELAYPOOL_UID=10001
RUN groupadd --system --gid "${RELAYPOOL_UID}" relaypool \
    && useradd --system --uid "${RELAYPOOL_UID}" --gid relaypool --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin relaypool \
    && mkdir -p /data && chown relaypool:relaypool /data && chmod 0700 /data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config.example.yaml ./
RUN ln -s /app/bin/relaypool.js /usr/local/bin/relaypool
# The database and, unless RELAYPOOL_SECRET_KEY is set, the key file (/data/secret.key) live on
# the volume. The bind address stays loopback: a sidecar shares its pod's network namespace.
ENV NODE_ENV=production \
    RELAYPOOL_DB=/data/relaypool.db \
    RELAYPOOL_HOST=127.0.0.1 \
    RELAYPOOL_PORT=9090
VOLUME /data
EXPOSE 9090
USER relaypool:relaypool
# No curl in the image: node asks /health on the configured port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.RELAYPOOL_PORT||9090)+'/health',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# `relaypool serve` is PID 1 and handles SIGTERM itself: in-flight requests get
# server.shutdownGraceMs (10 s), their upstream tasks are stopped, then it exits 0. Give the
# container a stop timeout longer than that grace period.
STOPSIGNAL SIGTERM
ENTRYPOINT ["relaypool"]
CMD ["serve"]
