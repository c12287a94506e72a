"""One Dockerfile per component, all rendered from deploy/Dockerfile.template, so the
images are built the same way and the rules live in one place."""

from dataclasses import dataclass
from pathlib import Path

from tekana_devstack.paths import REPO_ROOT

TEMPLATE = REPO_ROOT / "deploy" / "Dockerfile.template"


def _http_probe(port: int, path: str) -> str:
    url = f"http://127.0.0.1:{port}{path}"
    return (
        'python -c "import sys, urllib.request; '
        f'sys.exit(urllib.request.urlopen(\\"{url}\\", timeout=2).status != 200)"'
    )


@dataclass(frozen=True)
class Image:
    name: str
    folder: str
    module: str
    port: int
    probe: str

    @property
    def path(self) -> Path:
        return REPO_ROOT / self.folder / "Dockerfile"


IMAGES = (
    Image("gateway", "gateway", "tekana_gateway", 3000, _http_probe(3000, "/health")),
    *(
        Image(
            name,
            f"svc-{name}",
            f"tekana_{name}",
            port,
            f"python -m tekana_common.healthprobe 127.0.0.1:{port}",
        )
        for name, port in (("customer", 50051), ("wallet", 50052), ("transaction", 50053))
    ),
    Image("operator", "operator", "tekana_operator", 8080, _http_probe(8080, "/healthz")),
)


def render(image: Image) -> str:
    return TEMPLATE.read_text().format(
        name=image.name,
        folder=image.folder,
        module=image.module,
        port=image.port,
        probe=image.probe,
    )


def write() -> None:
    for image in IMAGES:
        image.path.write_text(render(image))
