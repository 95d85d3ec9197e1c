"""Reading a YAML file a person wrote (templates, definitions, registries)."""
from __future__ import annotations

from ..core.errors import SheetsSyncError


def read_yaml(path, error: type[SheetsSyncError], what_th: str, what_en: str):
    """A YAML file's data, or ``error`` naming the file: missing or not YAML."""
    import yaml
    try:
        text = path.read_text(encoding="utf-8")
        try:    # libyaml's parser when installed (a registry of 1,000 units: 0.5 s in Python's)
            return yaml.load(text, Loader=yaml.CSafeLoader)
        except (AttributeError, yaml.YAMLError):
            return yaml.safe_load(text)     # and Python's own words for what is wrong
    except FileNotFoundError:
        raise error(f"ไม่พบ{what_th} {path}", f"{what_en} not found: {path}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise error(f"{path} ไม่ใช่ YAML ที่ถูกต้อง: {e}", f"{path} is not valid YAML: {e}") from None
