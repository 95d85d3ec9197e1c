"""Google's partial-response ``fields`` masks: ``sheets(properties(title),data.rowData)``."""
from __future__ import annotations


def parse_mask(mask: str) -> dict:
    mask = mask.replace("/", ".")  # gspread writes paths with '/', Google accepts both
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
    return _compiled(tree)(obj)


def _same(obj):
    return obj


def _compiled(tree):
    """The mask as a function, built once per answer: a grid's cells are tens of thousands of
    small objects under one sub-mask (walking the mask per cell was most of a big read)."""
    if tree is True:
        return _same
    if all(t is True for t in tree.values()):   # leaves only (a cell's effectiveValue): no recursion
        keys = frozenset(tree)

        def leaves(obj):
            if isinstance(obj, dict):
                return {k: v for k, v in obj.items() if k in keys}
            if isinstance(obj, list):
                return [leaves(x) for x in obj]
            return obj
        return leaves
    order = [(k, _compiled(t)) for k, t in tree.items()]

    def nested(obj):
        if isinstance(obj, dict):
            out = {}
            for k, f in order:        # the few keys asked for, not every key a cell has
                if k in obj:
                    v = obj[k]
                    m = f(v)
                    if m != {} or v == {}:   # a message whose asked-for fields are all unset is left out
                        out[k] = m
            return out
        if isinstance(obj, list):
            return [nested(x) for x in obj]
        return obj
    return nested


def filter_fields(obj, mask: str | None):
    return obj if not mask or mask.strip() == "*" else apply_mask(obj, parse_mask(mask))


def mentions_grid_data(mask: str | None) -> bool:
    """A fields mask that names sheets.data asks for grid data, whatever includeGridData says."""
    if not mask:
        return False
    sheets = parse_mask(mask).get("sheets")
    return sheets is True or (isinstance(sheets, dict) and "data" in sheets)


def trim_grid(body: dict) -> dict:
    """Google leaves out trailing empty cells and rows once a mask has emptied them."""
    for sheet in body.get("sheets", []):
        for block in sheet.get("data", []):
            rows = block.get("rowData")
            if rows is None:
                continue
            for row in rows:
                vals = row.get("values")
                if vals is not None:
                    while vals and vals[-1] == {}:
                        vals.pop()
                    if not vals:
                        del row["values"]
            while rows and rows[-1] == {}:
                rows.pop()
            if not rows:
                del block["rowData"]
    return body
