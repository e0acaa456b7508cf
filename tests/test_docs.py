"""Docs stay true: the generated parameter reference and the paths ARCHITECTURE.md names."""

import re
from pathlib import Path

from sim.parameters import markdown_reference

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_reference_is_generated_from_the_fields():
    saved = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert saved == markdown_reference(), (
        "regenerate: python -m sim.parameters > docs/parameters.md"
    )


def test_every_path_in_architecture_exists():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    paths = set(
        re.findall(
            r"`((?:sim|scenarios|calibration|experiments|tests|benchmarks|docs)"
            r"/[\w./-]*)`",
            text,
        )
    )
    assert paths, "ARCHITECTURE.md names no paths"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"ARCHITECTURE.md names paths that do not exist: {missing}"


def test_readme_opens_with_two_setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", text, flags=re.S)
    first = blocks[0].strip().splitlines()
    assert len(first) == 2, first
    assert "retraffic" in first[0] and "pytest" in first[1]


def test_the_readme_counts_of_priors_are_the_priors_file():
    import re

    from calibration.spec import load_priors

    priors = load_priors()
    fitted = sum(p.calibrate for p in priors)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"every parameter marked uncertain ({len(priors)})" in text
    assert f"{fitted} are fitted; the other {len(priors) - fitted} (`calibrate = false`)" in text
    assert re.search(rf"varies all {len(priors)} uncertain parameters", text)
