# syntax=docker/dockerfile:1
# mirrorwatch image: build with the full toolchain, run with production dependencies only.
#   docker build -t mirrorwatch .
#   docker run -v $PWD/mirrorwatch.yaml:/etc/mirrorwatch/mirrorwatch.yaml:ro -p 9467:9467 mirrorwatch
# Release builds pin the base image by digest and stamp the labels (docs/kubernetes.md, "Image"):
#   docker build \
#     --build-arg NODE_IMAGE=node:26-slim@sha256:<digest of `docker buildx imagetools inspect node:26-slim`> \
#     --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) \
#     --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) -t mirrorwatch:0.1.0 .
# NODE_VERSION: the current Active LTS line (26 since 2026-10-28); 24 (Maintenance LTS) works too.
ARG NODE_VERSION=26
# The base image of both stages. Without a digest the tag is used as it stands on the registry.
ARG NODE_IMAGE=node:${NODE_VERSION}-slim

FROM ${NODE_IMAGE} AS build
# The git revision for mirrorwatch_build_info: the build context holds no .git.
ARG REVISION=unknown
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/write-build-info.mjs ./scripts/write-build-info.mjs
COPY src ./src
RUN MIRRORWATCH_GIT_REVISION="${REVISION}" npm run build

FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="mirrorwatch" \
      org.opencontainers.image.description="Watches Kafka MirrorMaker 2 replication: lag, heartbeat age and failover readiness for Prometheus" \
      org.opencontainers.image.url="https://github.com/mirrorwatch/mirrorwatch" \
      org.opencontainers.image.source="https://github.com/mirrorwatch/mirrorwatch" \
      org.opencontainers.image.documentation="https://github.com/mirrorwatch/mirrorwatch#readme" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="mirrorwatch" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
COPY docker/healthcheck.mjs ./healthcheck.mjs
# The node image's unprivileged user, by number so that runAsNonRoot checks can verify it.
USER 1000:1000
EXPOSE 9467
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["run", "-c", "/etc/mirrorwatch/mirrorwatch.yaml"]
