# syntax=docker/dockerfile:1
#
# The demo feed (backend/testkit/cmd/pulse-demofeed): made-up sensor JSON for
# the compose file's mosquitto and NATS server, and served over HTTP (SSE,
# NDJSON, WebSocket) on 8090. Built by docker-compose.yaml (context: the
# repository root); on its own:
#   docker build -f .config/demofeed.Dockerfile -t pulse-demofeed .

# The same Go image as the backend stage of .config/Dockerfile, the exact
# release go.mod and go.work require (composecheck keeps the two equal). The
# tag is written out so that dependabot, which watches this directory, can
# see and raise it.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
ENV GOCACHE=/cache/go-build \
    GOTOOLCHAIN=local \
    CGO_ENABLED=0
# Module files first, so the download layer survives source changes.
COPY go.work go.work.sum go.mod go.sum ./
COPY backend/plugin/go.mod backend/plugin/go.sum backend/plugin/
COPY backend/streaming/go.mod backend/streaming/go.sum backend/streaming/
COPY backend/testkit/go.mod backend/testkit/go.sum backend/testkit/
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
# Only the command's own package: it imports nothing else of the workspace.
COPY backend/testkit/cmd/pulse-demofeed/ backend/testkit/cmd/pulse-demofeed/
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/pulse-demofeed ./backend/testkit/cmd/pulse-demofeed

# A static binary needs nothing else. It runs as nobody; SIGTERM (docker
# compose stop) marks every room offline and exits 0. The compose file's
# healthcheck runs "/pulse-demofeed -probe", which asks the listener's
# /healthz.
FROM scratch
COPY --from=build /out/pulse-demofeed /pulse-demofeed
USER 65534:65534
EXPOSE 8090
ENTRYPOINT ["/pulse-demofeed"]
