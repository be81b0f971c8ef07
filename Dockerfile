# fabricsync image. Not built on the development machines (no container
# engine there); kept simple so it is right by reading.
#
# Build stage: the official Swift 6 image on Debian bookworm, so the runtime
# stage below has the same glibc.
FROM swift:6.0-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product fabricsync --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/fabricsync" /out/fabricsync

# Runtime stage: the C libraries the binary links, git for GitOps, ssh for
# git over SSH, CA certificates; a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-0-2 libcurl4 git openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 fabricsync \
 && useradd --uid 65532 --gid 65532 --no-create-home --shell /usr/sbin/nologin fabricsync
COPY --from=build /out/fabricsync /usr/local/bin/fabricsync
COPY manifests/crds /usr/share/fabricsync/crds
USER 65532:65532
ENV HOME=/tmp
ENTRYPOINT ["/usr/local/bin/fabricsync"]
CMD ["run"]
