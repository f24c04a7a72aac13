# syntax=docker/dockerfile:1
# mirrorwatch image: build with the full toolchain, run with production dependencies only.
#   docker build -t mirrorwatch .
#   docker run -v $PWD/mirrorwatch.yaml:/etc/mirrorwatch/mirrorwatch.yaml:ro -p 9467:9467 mirrorwatch
# NODE_VERSION: the current Active LTS line (26 since 2026-10-28); 24 (Maintenance LTS) works too.
ARG NODE_VERSION=26

FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:${NODE_VERSION}-slim AS runtime
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
