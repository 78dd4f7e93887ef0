# want: COPY magefile.go: not in the build context
# syntax=docker/dockerfile:1
#
# Grafana with the Pulse plugin built from this checkout. Built by
# docker-compose.yaml (context: the repository root); on its own:
#   docker build -f .config/Dockerfile -t pulse-grafana .

ARG GRAFANA_IMAGE=grafana/grafana
ARG GRAFANA_VERSION=12.4.0
ARG NODE_VERSION=20
ARG GO_VERSION=1.26

# Frontend: dist/module.js, dist/plugin.json, dist/img/, README.md, LICENSE.
FROM node:${NODE_VERSION}-bookworm AS frontend
WORKDIR /src
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/cache/npm \
    npm ci --no-audit --no-fund
# Everything the webpack config reads (src/, .config/, tsconfig.json, README.md,
# LICENSE, package.json); .dockerignore keeps node_modules and dist out.
COPY . .
RUN npm run build

# Backend: dist/gpx_pulse_streaming_<os>_<arch>[.exe] for the six targets.
FROM golang:${GO_VERSION}-bookworm AS backend
WORKDIR /src
# Module files first, so the download layer survives source changes.
COPY go.work go.work.sum go.mod go.sum ./
COPY backend/plugin/go.mod backend/plugin/go.sum backend/plugin/
COPY backend/streaming/go.mod backend/streaming/go.sum backend/streaming/
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
# The SDK's build reads the executable name from src/plugin.json and the
# version from package.json; Magefile.go points it at ./backend/plugin.
COPY magefile.go package.json ./
COPY src/plugin.json src/plugin.json
COPY backend/ backend/
# Mage target from Magefile.go (BuildAll); keep in step with it.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/cache/go-build \
    go tool mage -v buildAll

FROM ${GRAFANA_IMAGE}:${GRAFANA_VERSION}
ARG PLUGIN_DIR=/var/lib/grafana/plugins/pulse-streaming-datasource
COPY --from=frontend /src/dist/ ${PLUGIN_DIR}/
COPY --from=backend --chmod=0755 /src/dist/gpx_pulse_streaming_* ${PLUGIN_DIR}/
