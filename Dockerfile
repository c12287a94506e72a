# Every Tekana image, from this one file. The build argument COMPONENT names the workspace
# folder: gateway, svc-customer, svc-wallet, svc-transaction or operator. From the
# repository root:
#   docker build --build-arg COMPONENT=gateway -t tekana/gateway:0.1.0 .
# Stage 1 installs the pinned run-time dependencies and the workspace packages into a venv;
# stage 2 copies only that venv onto a slim base and runs as an unprivileged user.
# Without a registry or an index (the local cluster's builds, tools/src/tekana_devstack/
# cluster/images.py): BASE names a local image with Python 3.11, the context carries the
# wheels in wheels/, and PIP_OPTIONS="--no-index --find-links /src" installs from them.
ARG BASE=python:3.11.11-slim-bookworm
# The dependencies come first and do not depend on COMPONENT, so every component's image
# shares those layers (one build of them, one copy on a node).
FROM ${BASE} AS dependencies
ARG PIP_OPTIONS=""
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/tekana
# wheels* matches nothing in an ordinary build; then only the two pin files are copied.
COPY requirements-runtime.txt constraints.txt wheels* /src/
RUN /opt/tekana/bin/pip install $PIP_OPTIONS -r /src/requirements-runtime.txt \
        -c /src/constraints.txt

FROM dependencies AS build
ARG COMPONENT
ARG PIP_OPTIONS=""
RUN case "$COMPONENT" in \
        gateway|svc-customer|svc-wallet|svc-transaction|operator) ;; \
        *) echo "--build-arg COMPONENT= names one of gateway, svc-customer, svc-wallet," \
                "svc-transaction, operator" >&2; exit 1 ;; \
    esac
COPY common /src/common
COPY protos /src/protos
COPY ${COMPONENT} /src/${COMPONENT}
RUN /opt/tekana/bin/pip install $PIP_OPTIONS --no-deps --target /opt/workspace \
        /src/common /src/protos /src/${COMPONENT} \
    && mkdir -p /opt/workspace-bin && mv /opt/workspace/bin/* /opt/workspace-bin/

FROM ${BASE} AS runtime
ENV PATH=/opt/tekana/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    TEKANA_LOG_FORMAT=json
RUN groupadd --system --gid 10001 tekana \
    && useradd --system --uid 10001 --gid tekana --no-create-home tekana
COPY --from=dependencies /opt/tekana /opt/tekana
COPY --from=build /opt/workspace /opt/tekana/lib/python3.11/site-packages
COPY --from=build /opt/workspace-bin /opt/tekana/bin
USER 10001:10001
# Each component's package installs these two commands: its server and its health check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["tekana-healthcheck"]
ENTRYPOINT ["tekana-serve"]
