"""Google's partial-response ``fields`` masks: ``sheets(properties(title),data.rowData)``."""
from __future__ import annotations


def parse_mask(mask: str) -> dict:
    tree: dict = {}
    i = 0

    def parse(level: dict, stop: str | None) -> None:
        nonlocal i
        while i < len(mask):
            j = i
            while j < len(mask) and mask[j] not in ",()":
                j += 1
            path = mask[i:j].strip()
            i = j
            node = level
            keys = [k for k in path.split(".") if k]
            for k in keys[:-1]:
                node = node.setdefault(k, {}) if node.get(k) is not True else node
            leaf = keys[-1] if keys else None
            if i < len(mask) and mask[i] == "(":
                i += 1
                sub = node.setdefault(leaf, {}) if node.get(leaf) is not True else {}
                parse(sub, ")")
            elif leaf:
                node[leaf] = True
            if i < len(mask) and mask[i] == ",":
                i += 1
                continue
            if i < len(mask) and mask[i] == ")":
                i += 1
                return
    parse(tree, None)
    return tree


def apply_mask(obj, tree):
    if tree is True:
        return obj
    if isinstance(obj, list):
        return [apply_mask(x, tree) for x in obj]
    if isinstance(obj, dict):
        return {k: apply_mask(v, tree[k]) for k, v in obj.items() if k in tree}
    return obj


def filter_fields(obj, mask: str | None):
    return obj if not mask or mask.strip() == "*" else apply_mask(obj, parse_mask(mask))
