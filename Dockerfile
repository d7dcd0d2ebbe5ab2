# The connector's image: the compiled executable as the entrypoint, on a base that holds the C
# library and CA certificates and nothing else (no shell, no Node, no Bun). The executable needs
# no more: tests/dist/container.test.ts runs it in a root filesystem of just the binary and the
# libraries it links, doing `spec` and a `read` against a real broker.
#
#   npm run build:all
#   docker buildx build --platform linux/amd64,linux/arm64 -t source-kafka:0.1.0 .
#   docker run --rm source-kafka:0.1.0 spec
#
# Airbyte and Estuary Flow both run the entrypoint with the connector's subcommands (spec, check,
# discover, read) and files for config, catalog and state. Flow does so through its
# airbyte-to-flow adapter, which an image for Flow copies in and makes the entrypoint, with
# `--connector-entrypoint /usr/local/bin/source-kafka` and the labels FLOW_RUNTIME_PROTOCOL=capture
# and CONNECTOR_PROTOCOL=flow-capture. Those labels say the entrypoint speaks Flow's own protocol,
# which this one does not by itself, so they are not set here. The range and tail Flow gives each
# shard (`estuary.dev/range`, `estuary.dev/tail` in the catalog) and `secret` in the spec are
# understood by the connector itself.

# Picks the executable of the platform being built; runs on the builder's own platform.
FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS pick
ARG TARGETARCH
COPY dist/source-kafka-linux-x64 dist/source-kafka-linux-arm64 /dist/
RUN case "$TARGETARCH" in \
      amd64) cp /dist/source-kafka-linux-x64 /source-kafka ;; \
      arm64) cp /dist/source-kafka-linux-arm64 /source-kafka ;; \
      *) echo "no executable for $TARGETARCH" >&2; exit 1 ;; \
    esac

# glibc, CA certificates, tzdata and /etc/passwd with a `nonroot` user (65532).
FROM gcr.io/distroless/base-debian12:nonroot
ARG VERSION=0.1.0
ARG REVISION=unknown
COPY --from=pick /source-kafka /usr/local/bin/source-kafka

# Airbyte reads the entrypoint from this variable as well as from ENTRYPOINT.
ENV AIRBYTE_ENTRYPOINT="/usr/local/bin/source-kafka"
ENTRYPOINT ["/usr/local/bin/source-kafka"]

LABEL io.airbyte.name="source-kafka" \
      io.airbyte.version="${VERSION}" \
      org.opencontainers.image.title="source-kafka" \
      org.opencontainers.image.description="Kafka capture connector speaking the Airbyte protocol" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="MIT"
