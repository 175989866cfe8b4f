"""The Kubernetes manifests in contrib/k8s, checked offline: each against the
Kubernetes API schemas (kubernetes-validate, strict: no unknown fields), and
N written alike everywhere (the Indexed Job's completions, its SHARDS, the
merge job's SHARDS). Exits 1 naming the problem.

    python tests/k8s/check.py contrib/k8s
"""

import subprocess
import sys
from pathlib import Path

import yaml


def env(job: dict, name: str) -> str:
    (container,) = job["spec"]["template"]["spec"]["containers"]
    for e in container.get("env", []):
        if e["name"] == name:
            return e["value"]
    raise SystemExit(f"{job['metadata']['name']}: no {name} in the container's env")


def main() -> None:
    folder = Path(sys.argv[1])
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise SystemExit(f"no manifests in {folder}")
    validate = Path(sys.executable).parent / "kubernetes-validate"
    subprocess.run([str(validate), "--strict", "--quiet", *map(str, files)], check=True)
    shards = yaml.safe_load((folder / "indexed-job.yaml").read_text())
    merge = yaml.safe_load((folder / "merge-job.yaml").read_text())
    n = shards["spec"]["completions"]
    if shards["spec"].get("completionMode") != "Indexed":
        raise SystemExit("indexed-job.yaml: completionMode must be Indexed")
    for job in (shards, merge):
        if env(job, "SHARDS") != str(n):
            raise SystemExit(
                f"{job['metadata']['name']}: SHARDS={env(job, 'SHARDS')} but completions={n}"
            )
    print(f"{len(files)} manifests valid (Kubernetes schemas, strict); N={n} everywhere")


if __name__ == "__main__":
    main()
